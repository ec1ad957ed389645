import { APP_CONFIG, type IngestorEnv } from '@app/config';
import { LedgerIntegrator } from '@app/ledger';
import { LedgerRepository } from '@app/persistence';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DrainLoop } from './drain-loop';
import { LedgerCheckpointer } from './ledger-checkpointer';
import { IngestorMetrics } from './ingestor.metrics';
import { INGESTOR_LOGGER } from './ingestor.tokens';

const PAGE = 5000;
// Every stored batch asks for a pass; passes begin at most this often, so that each places
// and integrates many batches at once (a pass costs a dozen statements whatever its size).
const MIN_GAP_MS = 200;

/**
 * Gives stored events their place in the ledger order after the batches that stored them
 * commit, at start-up, and every OUTBOX_POLL_MS for what another process left; then makes
 * the placed events leaves of the ledger (their canonical records and hashes), in order. Any
 * number of ingestors may run: one sequences, and one integrates, at a time; the others find
 * the turn taken.
 */
@Injectable()
export class LedgerSequencer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop = new DrainLoop(() => this.drain(), MIN_GAP_MS);

  constructor(
    @Inject(APP_CONFIG) private readonly config: IngestorEnv,
    @Inject(INGESTOR_LOGGER) private readonly logger: Logger,
    private readonly ledger: LedgerRepository,
    private readonly integrator: LedgerIntegrator,
    private readonly checkpointer: LedgerCheckpointer,
    private readonly metrics: IngestorMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.LEDGER_INTEGRATION) this.loop.start(this.config.OUTBOX_POLL_MS);
  }

  /** Asks for a pass now (a batch just stored events). */
  kick(): void {
    if (this.config.LEDGER_INTEGRATION) this.loop.kick();
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const result = await this.ledger.sequence(PAGE);
        if ('busy' in result || result.placed < PAGE || this.loop.stopped) break;
      }
      let integrated = 0;
      for (;;) {
        const result = await this.integrator.integrate(PAGE);
        if ('busy' in result) break;
        integrated += result.integrated;
        if (result.integrated < PAGE || this.loop.stopped) break;
      }
      if (integrated >= PAGE) this.checkpointer.grew();
      this.metrics.ledgerPending.set(await this.ledger.pending());
    } catch (error) {
      this.metrics.ledgerFailures.inc();
      this.logger.warn(
        { err: { message: (error as Error).message } },
        'ledger sequencing failed; will retry',
      );
    }
  }

  /** After the consumer stopped: the last batch's events take their places now. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.config.LEDGER_INTEGRATION) await this.loop.stop();
  }
}
