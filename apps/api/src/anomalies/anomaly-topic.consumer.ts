import { APP_CONFIG, kafkaSecurity, type ApiEnv } from '@app/config';
import { createKafka, ensureTopics } from '@app/kafka';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { API_LOGGER } from '../common/api.tokens';
import { AnomalyFeedService } from './anomaly-feed.service';

/**
 * The anomaly topic, read only as a wake-up for the feed: what a message says is never
 * trusted, the feed reads the store. Each API process is its own consumer group, so every
 * process hears every message. It also runs the feed's lifecycle: start, poll, stop.
 */
@Injectable()
export class AnomalyTopicConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: Consumer;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ApiEnv,
    @Inject(API_LOGGER) private readonly logger: Logger,
    private readonly feed: AnomalyFeedService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.feed.start();
    const kafka = createKafka(
      {
        clientId: `${this.config.KAFKA_CLIENT_ID}-api`,
        brokers: this.config.KAFKA_BROKERS,
        security: kafkaSecurity(this.config),
      },
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
      eachBatch: () => {
        this.feed.wake();
        return Promise.resolve();
      },
    });
    this.feed.poll();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.feed.stop();
    await this.consumer?.disconnect();
  }
}
