import { APP_CONFIG, kafkaSecurity, type IngestorEnv } from '@app/config';
import { IngestBatchService, UntrackedHopSweepService } from '@app/ingestion';
import { createKafka } from '@app/kafka';
import {
  HealthController,
  METRICS_REGISTRY,
  READINESS_CHECKS,
  type ReadinessCheck,
} from '@app/observability';
import { LedgerModule } from '@app/ledger';
import { DatabaseService, PersistenceModule } from '@app/persistence';
import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { DelegationEventsConsumer } from './delegation-events.consumer';
import { IngestorMetrics } from './ingestor.metrics';
import { anomalyPolicyOf } from './anomaly-policy';
import { ANOMALY_POLICY, INGESTOR_KAFKA, INGESTOR_LOGGER } from './ingestor.tokens';
import { LEDGER_SIGNER, LedgerCheckpointer, ledgerSigner } from './ledger-checkpointer';
import { LedgerSequencer } from './ledger.sequencer';
import { OutboxRelay } from './outbox.relay';
import { PartitionProgressMonitor } from './partition-progress.monitor';
import { UntrackedHopSweeper } from './untracked-hop.sweeper';

/** Wiring of the ingestor process: Kafka in, PostgreSQL out, health and metrics beside. */
@Module({})
export class IngestorModule {
  static forRoot(config: IngestorEnv, logger: Logger): DynamicModule {
    return {
      module: IngestorModule,
      imports: [
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'provenant-ingestor',
          lifecycleAuthorities: config.LIFECYCLE_AUTHORITIES,
        }),
        LedgerModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: INGESTOR_LOGGER, useValue: logger },
        { provide: ANOMALY_POLICY, useValue: anomalyPolicyOf(config) },
        {
          provide: INGESTOR_KAFKA,
          useValue: createKafka(
            {
              clientId: `${config.KAFKA_CLIENT_ID}-ingestor`,
              brokers: config.KAFKA_BROKERS,
              security: kafkaSecurity(config),
            },
            logger,
          ),
        },
        IngestorMetrics,
        {
          provide: METRICS_REGISTRY,
          useFactory: (metrics: IngestorMetrics) => metrics.registry,
          inject: [IngestorMetrics],
        },
        IngestBatchService,
        UntrackedHopSweepService,
        OutboxRelay,
        LedgerSequencer,
        UntrackedHopSweeper,
        { provide: LEDGER_SIGNER, useFactory: () => ledgerSigner(config) },
        LedgerCheckpointer,
        PartitionProgressMonitor,
        DelegationEventsConsumer,
        {
          provide: READINESS_CHECKS,
          useFactory: (
            database: DatabaseService,
            consumer: DelegationEventsConsumer,
            progress: PartitionProgressMonitor,
          ): ReadinessCheck[] => [
            { name: 'database', check: () => database.ping() },
            { name: 'kafka', check: () => consumer.ping() },
            {
              name: 'storage',
              check: () => {
                const problem = consumer.storageProblem();
                return problem ? Promise.reject(new Error(problem)) : Promise.resolve();
              },
            },
            {
              name: 'partitions',
              check: () => {
                const stalled = progress.stalled();
                if (stalled.length === 0) return Promise.resolve();
                const list = stalled
                  .map((p) => `partition ${p.partition} (lag ${p.lag}, ${p.seconds} s)`)
                  .join(', ');
                return Promise.reject(new Error(`not advancing: ${list}`));
              },
            },
          ],
          inject: [DatabaseService, DelegationEventsConsumer, PartitionProgressMonitor],
        },
      ],
    };
  }
}
