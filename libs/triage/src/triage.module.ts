import { Module } from '@nestjs/common';
import { SuppressionService } from './suppression.service';
import { TriageService } from './triage.service';

/** Analysts' write-side use cases; needs PersistenceModule (global) imported by the application. */
@Module({
  providers: [TriageService, SuppressionService],
  exports: [TriageService, SuppressionService],
})
export class TriageModule {}
