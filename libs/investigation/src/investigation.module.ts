import { Module } from '@nestjs/common';
import { InvestigationService } from './investigation.service';

/** Read-side use cases; needs PersistenceModule (global) imported by the application. */
@Module({ providers: [InvestigationService], exports: [InvestigationService] })
export class InvestigationModule {}
