import type { AnomalyPolicy } from '@app/anomalies';
import { APP_CONFIG, type IngestorEnv } from '@app/config';
import { DLQ_HEADERS, dlqTopicOf } from '@app/contract';
import {
  describeDecodeError,
  EventDecoder,
  IngestBatchService,
  type IncomingMessage,
} from '@app/ingestion';
import { ensureTopics, headersToStrings } from '@app/kafka';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { IngestorMetrics } from './ingestor.metrics';
import { INGESTOR_KAFKA, INGESTOR_LOGGER } from './ingestor.tokens';

/**
 * Reads `delegation-events` in a consumer group, one batch at a time: refused messages go
 * to the dead-letter topic, valid ones are stored in one transaction, and only then is the
 * batch's offset committed. A crash anywhere re-delivers the batch; storing is idempotent.
 */
@Injectable()
export class DelegationEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: Consumer;
  private producer?: Producer;
  private readonly decoder: EventDecoder;
  private readonly policy: AnomalyPolicy;

  constructor(
    @Inject(APP_CONFIG) private readonly config: IngestorEnv,
    @Inject(INGESTOR_KAFKA) private readonly kafka: Kafka,
    @Inject(INGESTOR_LOGGER) private readonly logger: Logger,
    private readonly ingest: IngestBatchService,
    private readonly metrics: IngestorMetrics,
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
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    const { KAFKA_TOPIC: topic, KAFKA_ANOMALY_TOPIC: anomalyTopic } = this.config;
    if (this.config.KAFKA_CREATE_TOPICS) {
      await ensureTopics(
        this.kafka,
        [topic, dlqTopicOf(topic), anomalyTopic],
        this.config.KAFKA_TOPIC_PARTITIONS,
        this.config.KAFKA_REPLICATION_FACTOR,
      );
    }
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
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
    const messages: IncomingMessage[] = batch.messages.map((message) => ({
      value: message.value,
      headers: headersToStrings(message.headers),
      position: { topic: batch.topic, partition: batch.partition, offset: message.offset },
    }));
    this.metrics.consumed.inc(messages.length);

    const result = await this.ingest.ingest(this.decoder, this.policy, messages);
    if (result.rejected.length > 0) {
      // Unchanged value, key and headers, plus why and where from: nothing is lost.
      await this.producer!.send({
        topic: dlqTopicOf(batch.topic),
        acks: -1,
        messages: result.rejected.map(({ message, error }) => {
          const original = batch.messages.find((m) => m.offset === message.position.offset)!;
          return {
            key: original.key,
            value: original.value,
            headers: {
              ...original.headers,
              [DLQ_HEADERS.error]: describeDecodeError(error),
              [DLQ_HEADERS.topic]: batch.topic,
              [DLQ_HEADERS.partition]: String(batch.partition),
              [DLQ_HEADERS.offset]: message.position.offset,
            },
          };
        }),
      });
      for (const { error, message } of result.rejected) {
        this.metrics.deadLettered.inc({ code: error.code });
        this.logger.warn(
          { ...message.position, code: error.code, reason: error.message },
          'message dead-lettered',
        );
      }
    }
    if (result.anomalies.length > 0) {
      await this.producer!.send({
        topic: this.config.KAFKA_ANOMALY_TOPIC,
        messages: result.anomalies.map((anomaly) => ({
          key: anomaly.requestId ?? anomaly.id,
          value: JSON.stringify({ ...anomaly, detectedAt: anomaly.detectedAt.toISOString() }),
        })),
      });
      for (const anomaly of result.anomalies) this.metrics.anomalies.inc({ rule: anomaly.rule });
    }

    // Stored (and dead-lettered) durably: only now may the group move past this batch.
    // resolveOffset moves this consumer's fetch position, commitOffsets the group's.
    payload.resolveOffset(batch.lastOffset());
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    await this.consumer!.commitOffsets([
      { topic: batch.topic, partition: batch.partition, offset: next },
    ]);
    await payload.heartbeat();
    this.metrics.stored.inc(result.stored);
    this.metrics.duplicates.inc(result.duplicates);
    this.metrics.lag.set(
      { topic: batch.topic, partition: String(batch.partition) },
      Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(next))),
    );
    end();
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

  /** SIGTERM: kafkajs lets the running batch finish (and commit) before it disconnects. */
  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}
