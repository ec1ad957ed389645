import { APP_CONFIG, type ApiEnv } from '@app/config';
import { LedgerModule } from '@app/ledger';
import { Module } from '@nestjs/common';
import { LedgerController } from './ledger.controller';
import { LEDGER_VERIFIER_KEY, ledgerVerifierKey } from './ledger-verifier-key';

/** The ledger over HTTP: checkpoints, the verifier key, proofs. */
@Module({
  imports: [LedgerModule],
  controllers: [LedgerController],
  providers: [
    {
      provide: LEDGER_VERIFIER_KEY,
      inject: [APP_CONFIG],
      useFactory: (config: ApiEnv) => ledgerVerifierKey(config),
    },
  ],
  exports: [LedgerModule],
})
export class LedgerHttpModule {}
