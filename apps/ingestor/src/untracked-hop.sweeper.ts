import type { AnomalyPolicy } from '@app/anomalies';
import { APP_CONFIG, type IngestorEnv } from '@app/config';
import { UntrackedHopSweepService } from '@app/ingestion';
import { HopParentWaitRepository } from '@app/persistence';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DrainLoop } from './drain-loop';
import { IngestorMetrics } from './ingestor.metrics';
import { ANOMALY_POLICY, INGESTOR_LOGGER } from './ingestor.tokens';
import { OutboxRelay } from './outbox.relay';

const PAGE = 500;

/**
 * Every OUTBOX_POLL_MS, judges again the requests of hops whose parent has not arrived
 * within UNTRACKED_HOP_GRACE_MS. No timer per hop: the waits are rows in the database, so a
 * restart or a crash loses none, and several ingestors share them without judging one twice.
 */
@Injectable()
export class UntrackedHopSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop = new DrainLoop(() => this.drain());

  constructor(
    @Inject(APP_CONFIG) private readonly config: IngestorEnv,
    @Inject(INGESTOR_LOGGER) private readonly logger: Logger,
    @Inject(ANOMALY_POLICY) private readonly policy: AnomalyPolicy,
    private readonly sweeps: UntrackedHopSweepService,
    private readonly waits: HopParentWaitRepository,
    private readonly relay: OutboxRelay,
    private readonly metrics: IngestorMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start(this.config.OUTBOX_POLL_MS);
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const { judged, anomalies } = await this.sweeps.sweep(this.policy, PAGE);
        this.metrics.sweptRequests.inc(judged);
        if (anomalies.length > 0) this.relay.kick();
        if (judged === 0 || this.loop.stopped) break;
      }
      this.metrics.lastSweep.set(Date.now() / 1000);
      const counts = await this.waits.counts(this.policy.untrackedHopGraceMs);
      this.metrics.parentWaits.set(counts.waiting);
      this.metrics.parentWaitsDue.set(counts.due);
    } catch (error) {
      // The claimed waits rolled back with the pass: the next tick takes them again.
      this.metrics.sweepFailures.inc();
      this.logger.warn(
        { err: { message: (error as Error).message } },
        'untracked-hop sweep failed; will retry',
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }
}
