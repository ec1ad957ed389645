import { Module } from '@nestjs/common';
import { InvestigationService } from './investigation.service';
import { PolicyDryRunService } from './policy-dry-run.service';
import { SearchService } from './search.service';

/** Read-side use cases; needs PersistenceModule (global) imported by the application. */
@Module({
  providers: [InvestigationService, PolicyDryRunService, SearchService],
  exports: [InvestigationService, PolicyDryRunService, SearchService],
})
export class InvestigationModule {}
