import { Module } from '@nestjs/common';
import { InvestigationService } from './investigation.service';
import { PolicyDryRunService } from './policy-dry-run.service';

/** Read-side use cases; needs PersistenceModule (global) imported by the application. */
@Module({
  providers: [InvestigationService, PolicyDryRunService],
  exports: [InvestigationService, PolicyDryRunService],
})
export class InvestigationModule {}
