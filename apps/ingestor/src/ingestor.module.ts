import { APP_CONFIG, type IngestorEnv } from '@app/config';
import { IngestBatchService } from '@app/ingestion';
import { createKafka } from '@app/kafka';
import {
  HealthController,
  METRICS_REGISTRY,
  READINESS_CHECKS,
  type ReadinessCheck,
} from '@app/observability';
import { DatabaseService, PersistenceModule } from '@app/persistence';
import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { DelegationEventsConsumer } from './delegation-events.consumer';
import { IngestorMetrics } from './ingestor.metrics';
import { INGESTOR_KAFKA, INGESTOR_LOGGER } from './ingestor.tokens';

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
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: INGESTOR_LOGGER, useValue: logger },
        {
          provide: INGESTOR_KAFKA,
          useValue: createKafka(
            { clientId: `${config.KAFKA_CLIENT_ID}-ingestor`, brokers: config.KAFKA_BROKERS },
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
        DelegationEventsConsumer,
        {
          provide: READINESS_CHECKS,
          useFactory: (
            database: DatabaseService,
            consumer: DelegationEventsConsumer,
          ): ReadinessCheck[] => [
            { name: 'database', check: () => database.ping() },
            { name: 'kafka', check: () => consumer.ping() },
          ],
          inject: [DatabaseService, DelegationEventsConsumer],
        },
      ],
    };
  }
}
