import { FeedSubscription, type FeedSubscriptionOptions } from '@app/investigation';
import { SYSTEM_SCOPE } from '@app/graph';
import { AnomalyRepository } from '@app/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { API_LOGGER } from '../common/api.tokens';

const PAGE = 500;
/** Reads the store even without a notification: a lost wake-up delays, never loses. */
const POLL_EVERY_MS = 2000;

/**
 * Live anomalies for subscribers, from the store: a wake-up (a message on the anomaly topic,
 * see AnomalyTopicConsumer, or the poll) makes the feed read the anomalies published after
 * its last position (so only anomalies that exist in the store reach a dashboard, whatever
 * is produced to the topic) and hand them, in feed order, to every open subscription.
 */
@Injectable()
export class AnomalyFeedService {
  private readonly subscriptions = new Set<FeedSubscription>();
  private timer?: NodeJS.Timeout;
  private head = '0';
  private reading?: Promise<void>;
  private again = false;

  constructor(
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

  /** Starts at the store's current head: subscribers resume from older positions themselves. */
  async start(): Promise<void> {
    this.head = await this.anomalies.feedHead();
  }

  /** Polls from now on, in case a wake-up is lost. */
  poll(): void {
    this.timer ??= setInterval(() => this.wake(), POLL_EVERY_MS);
  }

  /** Reads what was published after the head; a read in progress runs once more after. */
  wake(): void {
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
          this.wake();
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

  /** Stops polling and ends every open subscription. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const subscription of this.subscriptions) await subscription.return();
  }
}
