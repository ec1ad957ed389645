import { APP_CONFIG, type IngestorEnv } from '@app/config';
import { anomalyEvent, dlqTopicOf } from '@app/contract';
import {
  OutboxRepository,
  type DrainResult,
  type PendingDeadLetter,
  type StoredAnomaly,
} from '@app/persistence';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { IHeaders, Kafka, Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { DrainLoop } from './drain-loop';
import { IngestorMetrics } from './ingestor.metrics';
import { INGESTOR_KAFKA, INGESTOR_LOGGER } from './ingestor.tokens';

const PAGE = 500;
const STRUCTURED = 'application/cloudevents+json; charset=UTF-8';

const published = (result: DrainResult): number => ('busy' in result ? 0 : result.published);

function headersOf(deadLetter: PendingDeadLetter): IHeaders {
  const headers: Record<string, Buffer[]> = {};
  for (const { name, value } of deadLetter.headers) {
    (headers[name.toString('utf8')] ??= []).push(value);
  }
  return Object.fromEntries(
    Object.entries(headers).map(([name, values]) => [
      name,
      values.length === 1 ? values[0] : values,
    ]),
  );
}

/**
 * Publishes what the outbox holds (anomalies to the anomaly topic, dead letters to the
 * dead-letter topic) after the batches that recorded them commit, at start-up, and every
 * OUTBOX_POLL_MS to pick up what a crashed process left. Rows are marked published only
 * once the broker acknowledged them (acks from all in-sync replicas).
 */
@Injectable()
export class OutboxRelay
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private producer?: Producer;
  private readonly loop = new DrainLoop(() => this.drain());

  constructor(
    @Inject(APP_CONFIG) private readonly config: IngestorEnv,
    @Inject(INGESTOR_KAFKA) private readonly kafka: Kafka,
    @Inject(INGESTOR_LOGGER) private readonly logger: Logger,
    private readonly outbox: OutboxRepository,
    private readonly metrics: IngestorMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    this.loop.start(this.config.OUTBOX_POLL_MS);
  }

  /** Asks for a drain now; a drain in progress runs once more when it ends. */
  kick(): void {
    this.loop.kick();
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const anomalies = await this.outbox.publishAnomalies(PAGE, (rows) =>
          this.sendAnomalies(rows),
        );
        const deadLetters = await this.outbox.publishDeadLetters(PAGE, (rows) =>
          this.sendDeadLetters(rows),
        );
        if (published(anomalies) < PAGE && published(deadLetters) < PAGE) break;
        if (this.loop.stopped) break;
      }
      const pending = await this.outbox.pending();
      this.metrics.outboxPending.set({ kind: 'anomaly' }, pending.anomalies);
      this.metrics.outboxPending.set({ kind: 'dead_letter' }, pending.deadLetters);
    } catch (error) {
      // Left in the outbox: the next tick tries again.
      this.metrics.outboxFailures.inc();
      this.logger.warn(
        { err: { message: (error as Error).message } },
        'outbox publish failed; will retry',
      );
    }
  }

  private async sendAnomalies(anomalies: StoredAnomaly[]): Promise<void> {
    const messages: Message[] = anomalies.map((anomaly) => ({
      key: anomaly.requestId ?? anomaly.id,
      value: JSON.stringify(
        anomalyEvent({
          id: anomaly.id,
          rule: anomaly.rule,
          severity: anomaly.severity,
          requestId: anomaly.requestId,
          tenant: anomaly.tenant,
          targetTenant: anomaly.targetTenant,
          summary: anomaly.summary,
          details: anomaly.details,
          detectedAt: anomaly.detectedAt.toISOString(),
          verdict: anomaly.verdict,
          verdictReason: anomaly.verdictReason,
          triage: anomaly.triage,
          version: anomaly.version,
          changedAt: anomaly.changedAt.toISOString(),
          suppressedBy: anomaly.suppressedBy,
        }),
      ),
      headers: { 'content-type': STRUCTURED },
    }));
    await this.producer!.send({ topic: this.config.KAFKA_ANOMALY_TOPIC, acks: -1, messages });
    for (const anomaly of anomalies) this.metrics.anomalies.inc({ rule: anomaly.rule });
  }

  private async sendDeadLetters(deadLetters: PendingDeadLetter[]): Promise<void> {
    await this.producer!.sendBatch({
      acks: -1,
      topicMessages: deadLetters.map((deadLetter) => ({
        topic: dlqTopicOf(deadLetter.topic),
        messages: [
          { key: deadLetter.key, value: deadLetter.value, headers: headersOf(deadLetter) },
        ],
      })),
    });
    for (const deadLetter of deadLetters) this.metrics.deadLettered.inc({ code: deadLetter.code });
  }

  /** After the consumer stopped: one last drain, so what the last batch raised goes out now. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer?.disconnect();
  }
}
