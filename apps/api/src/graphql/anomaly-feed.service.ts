import { APP_CONFIG, type ApiEnv } from '@app/config';
import { createKafka, ensureTopics } from '@app/kafka';
import type { StoredAnomaly } from '@app/persistence';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PubSub } from 'graphql-subscriptions';
import type { Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import { z } from 'zod';
import { API_LOGGER } from '../api.tokens';

const TRIGGER = 'anomalyDetected';

/** What the ingestor publishes on the anomaly topic; validated like any Kafka input. */
const publishedAnomalySchema = z.object({
  id: z.string(),
  rule: z.string(),
  severity: z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
  requestId: z.string().nullable(),
  tenant: z.string(),
  targetTenant: z.string().nullable(),
  dedupeKey: z.string(),
  summary: z.string(),
  details: z.unknown(),
  detectedAt: z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
});

/**
 * Live anomalies for subscribers: every API instance reads the anomaly topic from its end
 * in a group of its own (each instance must see every anomaly) and fans it out in memory.
 * Visibility is decided per subscriber by the resolver's filter.
 */
@Injectable()
export class AnomalyFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly pubsub = new PubSub();
  private consumer?: Consumer;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ApiEnv,
    @Inject(API_LOGGER) private readonly logger: Logger,
  ) {}

  iterator(): AsyncIterator<unknown> {
    return this.pubsub.asyncIterableIterator(TRIGGER);
  }

  async onApplicationBootstrap(): Promise<void> {
    const kafka = createKafka(
      { clientId: `${this.config.KAFKA_CLIENT_ID}-api`, brokers: this.config.KAFKA_BROKERS },
      this.logger,
    );
    // kafkajs cannot subscribe to a topic that does not exist yet (API started first).
    await ensureTopics(
      kafka,
      [this.config.KAFKA_ANOMALY_TOPIC],
      this.config.KAFKA_TOPIC_PARTITIONS,
      this.config.KAFKA_REPLICATION_FACTOR,
    );
    this.consumer = kafka.consumer({
      groupId: `provenant-api-feed-${randomUUID()}`,
      maxWaitTimeInMs: 500,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.config.KAFKA_ANOMALY_TOPIC, fromBeginning: false });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        let parsed: z.infer<typeof publishedAnomalySchema>;
        try {
          parsed = publishedAnomalySchema.parse(JSON.parse(message.value?.toString('utf8') ?? ''));
        } catch {
          this.logger.warn({ offset: message.offset }, 'ignored a malformed anomaly message');
          return;
        }
        const anomaly: StoredAnomaly = { ...parsed };
        await this.pubsub.publish(TRIGGER, { anomalyDetected: anomaly });
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
