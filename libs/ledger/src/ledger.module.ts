import { Module } from '@nestjs/common';
import { LedgerIntegrator } from './ledger-integrator.service';

/** The ledger's use cases; needs PersistenceModule (global) imported by the application. */
@Module({ providers: [LedgerIntegrator], exports: [LedgerIntegrator] })
export class LedgerModule {}
