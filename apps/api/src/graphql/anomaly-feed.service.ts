import { APP_CONFIG, type ApiEnv } from '@app/config';
import { FeedSubscription, type FeedSubscriptionOptions } from '@app/investigation';
import { createKafka, ensureTopics } from '@app/kafka';
import { AnomalyRepository, SYSTEM_SCOPE } from '@app/persistence';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import { API_LOGGER } from '../api.tokens';

const PAGE = 500;
/** Reads the store even without a notification: a lost wake-up delays, never loses. */
const POLL_EVERY_MS = 2000;

/**
 * Live anomalies for subscribers, from the store: a message on the anomaly topic only wakes
 * the feed up, which then reads the anomalies published after its last position (so only
 * anomalies that exist in the store reach a dashboard, whatever is produced to the topic)
 * and hands them, in feed order, to every open subscription.
 */
@Injectable()
export class AnomalyFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscriptions = new Set<FeedSubscription>();
  private consumer?: Consumer;
  private timer?: NodeJS.Timeout;
  private head = '0';
  private reading?: Promise<void>;
  private again = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ApiEnv,
    @Inject(API_LOGGER) private readonly logger: Logger,
    private readonly anomalies: AnomalyRepository,
  ) {}

  subscribe(options: FeedSubscriptionOptions): FeedSubscription {
    const subscription = new FeedSubscription(
      options,
      this.head,
      (scope, after, limit) => this.anomalies.feedAfter(scope, after, limit),
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.head = await this.anomalies.feedHead();
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
      eachBatch: () => {
        this.readNew();
        return Promise.resolve();
      },
    });
    this.timer = setInterval(() => this.readNew(), POLL_EVERY_MS);
  }

  /** Reads what was published after the head; a read in progress runs once more after. */
  private readNew(): void {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.read()
      .catch((error: Error) =>
        this.logger.warn({ err: { message: error.message } }, 'reading the anomaly feed failed'),
      )
      .finally(() => {
        this.reading = undefined;
        if (this.again) {
          this.again = false;
          this.readNew();
        }
      });
  }

  private async read(): Promise<void> {
    for (;;) {
      const page = await this.anomalies.feedAfter(SYSTEM_SCOPE, this.head, PAGE);
      for (const anomaly of page) {
        this.head = anomaly.feedSeq!;
        for (const subscription of this.subscriptions) subscription.push(anomaly);
      }
      if (page.length < PAGE) return;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const subscription of this.subscriptions) await subscription.return();
    await this.consumer?.disconnect();
  }
}
