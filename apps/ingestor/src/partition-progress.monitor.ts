import { APP_CONFIG, type IngestorEnv } from '@app/config';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { IngestorMetrics } from './ingestor.metrics';
import { INGESTOR_KAFKA, INGESTOR_LOGGER } from './ingestor.tokens';

interface Progress {
  committed: number;
  lag: number;
  /** When the committed offset last moved, or the partition was last caught up. */
  since: number;
}

/**
 * Watches the group's progress from the outside, on a timer: lag is the distance between
 * the committed offset and the high watermark of every partition (whoever consumes it), and
 * a partition with lag whose committed offset does not move is stalled. Also reports the
 * age of the oldest message this process holds uncommitted.
 */
@Injectable()
export class PartitionProgressMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private admin?: Admin;
  private timer?: NodeJS.Timeout;
  private readonly progress = new Map<number, Progress>();
  private readonly holding = new Map<number, number>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: IngestorEnv,
    @Inject(INGESTOR_KAFKA) private readonly kafka: Kafka,
    @Inject(INGESTOR_LOGGER) private readonly logger: Logger,
    private readonly metrics: IngestorMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    this.timer = setInterval(() => void this.measure(), this.config.INGESTOR_LAG_INTERVAL_MS);
  }

  /** The consumer took a batch of `partition` whose first message is dated `timestampMs`. */
  hold(partition: number, timestampMs: number): void {
    this.holding.set(partition, timestampMs);
    this.reportHeld(partition);
  }

  /** The consumer committed or abandoned what it held of `partition`. */
  release(partition: number): void {
    this.holding.delete(partition);
    this.reportHeld(partition);
  }

  /** Partitions with lag that have not advanced for INGESTOR_STALL_AFTER_MS, with details. */
  stalled(now = Date.now()): Array<{ partition: number; lag: number; seconds: number }> {
    return [...this.progress.entries()]
      .filter(([, p]) => p.lag > 0 && now - p.since >= this.config.INGESTOR_STALL_AFTER_MS)
      .map(([partition, p]) => ({
        partition,
        lag: p.lag,
        seconds: Math.round((now - p.since) / 1000),
      }));
  }

  private reportHeld(partition: number): void {
    const since = this.holding.get(partition);
    this.metrics.oldestUnprocessedAge.set(
      { topic: this.config.KAFKA_TOPIC, partition: String(partition) },
      since === undefined ? 0 : Math.max(0, (Date.now() - since) / 1000),
    );
  }

  async measure(now = Date.now()): Promise<void> {
    const topic = this.config.KAFKA_TOPIC;
    try {
      const [watermarks, groups] = await Promise.all([
        this.admin!.fetchTopicOffsets(topic),
        this.admin!.fetchOffsets({ groupId: this.config.KAFKA_GROUP_ID, topics: [topic] }),
      ]);
      const committed = new Map(
        (groups[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
      );
      for (const { partition, high, low } of watermarks) {
        const offset = committed.get(partition) ?? -1;
        const position = offset < 0 ? Number(low) : offset;
        const lag = Math.max(0, Number(high) - position);
        const previous = this.progress.get(partition);
        const moved = !previous || previous.committed !== position || lag === 0;
        const progress = { committed: position, lag, since: moved ? now : previous.since };
        this.progress.set(partition, progress);
        const labels = { topic, partition: String(partition) };
        const stalledMs = lag > 0 ? now - progress.since : 0;
        this.metrics.lag.set(labels, lag);
        this.metrics.stalledSeconds.set(labels, stalledMs / 1000);
        this.metrics.stalled.set(labels, stalledMs >= this.config.INGESTOR_STALL_AFTER_MS ? 1 : 0);
      }
      for (const partition of this.holding.keys()) this.reportHeld(partition);
    } catch (error) {
      this.logger.debug({ err: { message: (error as Error).message } }, 'lag measurement failed');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.admin?.disconnect();
  }
}
