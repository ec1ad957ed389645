import type { AnomalyPolicy } from '@app/anomalies';
import { APP_CONFIG, type IngestorEnv } from '@app/config';
import { dlqTopicOf } from '@app/contract';
import {
  EventDecoder,
  IngestBatchService,
  type IncomingMessage,
  type IngestBatchResult,
} from '@app/ingestion';
import { ensureTopics, headersToStrings } from '@app/kafka';
import { TransientStorageError, type DeadLetterHeader } from '@app/persistence';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { IngestorMetrics } from './ingestor.metrics';
import { INGESTOR_KAFKA, INGESTOR_LOGGER } from './ingestor.tokens';
import { LedgerSequencer } from './ledger.sequencer';
import { OutboxRelay } from './outbox.relay';
import { PartitionProgressMonitor } from './partition-progress.monitor';

const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 5_000;
const HEARTBEAT_EVERY_MS = 1000;

function rawHeaders(headers: IHeaders | undefined): DeadLetterHeader[] {
  const out: DeadLetterHeader[] = [];
  for (const [name, raw] of Object.entries(headers ?? {})) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (value === undefined) continue;
      out.push({
        name: Buffer.from(name),
        value: Buffer.isBuffer(value) ? value : Buffer.from(value),
      });
    }
  }
  return out;
}

/**
 * Reads `delegation-events` in a consumer group, one batch at a time: the batch's events and
 * its refused messages are stored in one transaction, and only then is the batch's offset
 * committed. A transient storage failure is retried (with backoff) for as long as it lasts;
 * a crash anywhere re-delivers the batch, and storing is idempotent. What the batch raised
 * (anomalies, dead letters) is published from the outbox by the relay.
 */
@Injectable()
export class DelegationEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer?: Consumer;
  private readonly decoder: EventDecoder;
  private readonly policy: AnomalyPolicy;
  private stopping = false;
  private wake?: () => void;
  /** Set while storing fails transiently: readiness reports it. */
  private storageFailure?: { since: number; reason: string };

  constructor(
    @Inject(APP_CONFIG) private readonly config: IngestorEnv,
    @Inject(INGESTOR_KAFKA) private readonly kafka: Kafka,
    @Inject(INGESTOR_LOGGER) private readonly logger: Logger,
    private readonly ingest: IngestBatchService,
    private readonly metrics: IngestorMetrics,
    private readonly relay: OutboxRelay,
    private readonly sequencer: LedgerSequencer,
    private readonly progress: PartitionProgressMonitor,
  ) {
    this.decoder = new EventDecoder({
      maxEventBytes: config.MAX_EVENT_BYTES,
      maxActDepth: config.MAX_ACT_DEPTH,
      maxFutureSkewMs: config.MAX_FUTURE_SKEW_MS,
    });
    this.policy = {
      maxDelegationDepth: config.POLICY_MAX_DELEGATION_DEPTH,
      maxDelegatedLifetimeMs: config.POLICY_MAX_DELEGATED_LIFETIME_S * 1000,
      federation: new Set(config.POLICY_FEDERATION),
      trustedIssuers: new Map(
        Object.entries(config.POLICY_TRUSTED_ISSUERS).map(([tenant, issuers]) => [
          tenant,
          new Set(issuers),
        ]),
      ),
      lifecycleAuthorities: config.LIFECYCLE_AUTHORITIES,
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    const { KAFKA_TOPIC: topic, KAFKA_ANOMALY_TOPIC: anomalyTopic } = this.config;
    if (this.config.KAFKA_CREATE_TOPICS) {
      await ensureTopics(
        this.kafka,
        [topic, dlqTopicOf(topic), anomalyTopic, this.config.KAFKA_CHECKPOINT_TOPIC],
        this.config.KAFKA_TOPIC_PARTITIONS,
        this.config.KAFKA_REPLICATION_FACTOR,
      );
    }
    this.consumer = this.kafka.consumer({
      groupId: this.config.KAFKA_GROUP_ID,
      sessionTimeout: this.config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatInterval: Math.floor(this.config.KAFKA_SESSION_TIMEOUT_MS / 5),
      // Bounds a batch (and the heap it needs) to about 2 MiB of events per partition.
      maxBytesPerPartition: 2 * 1024 * 1024,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.logger.info({ topic, groupId: this.config.KAFKA_GROUP_ID }, 'consuming delegation events');
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || !payload.isRunning() || payload.isStale()) return;
    const end = this.metrics.batchSeconds.startTimer();
    const messages = batch.messages.map((message) =>
      this.incoming(batch.topic, batch.partition, message),
    );
    this.metrics.consumed.inc(messages.length);
    this.progress.hold(batch.partition, Number(batch.messages[0].timestamp));
    // A long batch (a split to isolate a bad message, a database outage) keeps the
    // membership alive: heartbeat() is a no-op until the heartbeat interval has passed.
    const heartbeat = setInterval(
      () => void payload.heartbeat().catch(() => undefined),
      HEARTBEAT_EVERY_MS,
    );
    try {
      const result = await this.ingestRetrying(payload, messages);
      if (!result) return; // abandoned uncommitted: shutting down, or the partition moved
      if (result.anomalies.length > 0 || result.deadLettered > 0) this.relay.kick();
      if (result.stored > 0) this.sequencer.kick();
      // Stored durably: only now may the group move past this batch. The commit comes first
      // and the fetch position moves only once it succeeded: if it fails (broker gone,
      // rebalance), kafkajs fetches this batch again and storing it again changes nothing;
      // moving on regardless would leave the committed offset behind for good.
      // Through the batch's own handle: consumer.commitOffsets silently does nothing once
      // the consumer is stopping, which is exactly when the batch in hand must commit.
      const next = (BigInt(batch.lastOffset()) + 1n).toString();
      try {
        await payload.commitOffsetsIfNecessary({
          topics: [
            { topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] },
          ],
        });
      } catch (error) {
        this.logger.warn(
          { partition: batch.partition, err: { message: (error as Error).message } },
          'offset commit failed; the batch will be read again',
        );
        throw error;
      }
      payload.resolveOffset(batch.lastOffset());
      this.metrics.stored.inc(result.stored);
      this.metrics.duplicates.inc(result.duplicates);
      for (const { message, error } of result.rejected) {
        this.logger.warn(
          { ...message.position, code: error.code, reason: error.message },
          'message dead-lettered',
        );
      }
    } finally {
      clearInterval(heartbeat);
      this.progress.release(batch.partition);
      end();
    }
  }

  private incoming(topic: string, partition: number, message: KafkaMessage): IncomingMessage {
    return {
      key: message.key,
      value: message.value,
      headers: headersToStrings(message.headers),
      rawHeaders: rawHeaders(message.headers),
      position: { topic, partition, offset: message.offset },
    };
  }

  /** Stores the batch, retrying transient failures with backoff until it works or we stop. */
  private async ingestRetrying(
    payload: EachBatchPayload,
    messages: IncomingMessage[],
  ): Promise<IngestBatchResult | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.ingest.ingest(this.decoder, this.policy, messages);
        if (this.storageFailure) {
          this.logger.info({ downMs: Date.now() - this.storageFailure.since }, 'storage recovered');
          this.storageFailure = undefined;
        }
        return result;
      } catch (error) {
        if (!(error instanceof TransientStorageError)) throw error;
        this.storageFailure = {
          since: this.storageFailure?.since ?? Date.now(),
          reason: error.reason,
        };
        this.metrics.storageRetries.inc();
        const delay =
          Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
        this.logger.warn(
          {
            partition: payload.batch.partition,
            attempt,
            delayMs: Math.round(delay),
            reason: error.reason,
          },
          'storing failed transiently; retrying',
        );
        if (!(await this.pause(delay)) || !payload.isRunning() || payload.isStale())
          return undefined;
      }
    }
  }

  /** Sleeps `ms`; resolves false at once when the process starts stopping. */
  private pause(ms: number): Promise<boolean> {
    if (this.stopping) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(!this.stopping), ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
  }

  /** Why the process cannot store right now, if it cannot (for readiness). */
  storageProblem(): string | undefined {
    if (!this.storageFailure) return undefined;
    const seconds = Math.round((Date.now() - this.storageFailure.since) / 1000);
    return `storing has failed for ${seconds} s: ${this.storageFailure.reason}`;
  }

  async ping(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.describeCluster();
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * First in the shutdown order: stop fetching, let the batch in hand finish and commit (a
   * batch waiting to retry is abandoned uncommitted), and leave the group so its partitions
   * move at once. The database pool closes after this; main.ts bounds the whole by a deadline.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.logger.info('stopping: finishing the batch in hand, then leaving the group');
    this.wake?.();
    await this.consumer?.disconnect();
  }
}
