import { Module } from '@nestjs/common';
import { CheckpointSigner } from './checkpoint-signer.service';
import { LedgerIntegrator } from './ledger-integrator.service';
import { LedgerSelfCheck } from './ledger-self-check.service';
import { LedgerProofs } from './ledger-proofs.service';
import { LedgerTree } from './ledger-tree.service';

/** The ledger's use cases; needs PersistenceModule (global) imported by the application. */
const SERVICES = [LedgerIntegrator, LedgerTree, CheckpointSigner, LedgerSelfCheck, LedgerProofs];

@Module({ providers: SERVICES, exports: SERVICES })
export class LedgerModule {}
