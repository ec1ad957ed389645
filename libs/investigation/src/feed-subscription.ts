import { scopeSees, severityRank, type Severity, type TenantScope } from '@app/graph';
import type { StoredAnomaly } from '@app/persistence';

export interface FeedSubscriptionOptions {
  scope: TenantScope;
  minSeverity?: Severity;
  /** Also anomalies a suppression silenced (a dashboard is not alerted on them by default). */
  includeSuppressed?: boolean;
  /** Resume after this feed position; without it, the subscription starts at `head`. */
  after?: string;
}

/** Reads published anomalies the scope may see after a feed position, in feed order. */
export type FeedReader = (
  scope: TenantScope,
  after: string,
  limit: number,
) => Promise<StoredAnomaly[]>;

const REPLAY_PAGE = 200;
/** Live anomalies buffered for a slow subscriber before it falls back to reading the store. */
const MAX_BUFFERED = 5000;

const seq = (anomaly: StoredAnomaly): bigint => BigInt(anomaly.feedSeq ?? '0');

/**
 * One subscriber's view of the live anomaly feed: first what it missed (from the store,
 * after its last position), then live anomalies, each exactly once and in feed order.
 * Feed positions are assigned in publication order, so "deliver only what lies after the
 * last position delivered" is both complete and duplicate-free. A subscriber too slow for
 * the live stream does not grow the heap: it drops its buffer and reads the store again.
 */
export class FeedSubscription implements AsyncIterableIterator<StoredAnomaly> {
  private readonly live: StoredAnomaly[] = [];
  private readonly ready: StoredAnomaly[] = [];
  private last: bigint;
  private replaying: boolean;
  private closed = false;
  private wake?: () => void;
  private readonly minRank: number;

  constructor(
    private readonly options: FeedSubscriptionOptions,
    head: string,
    private readonly read: FeedReader,
    private readonly onClose: () => void,
  ) {
    this.replaying = options.after !== undefined;
    this.last = BigInt(options.after ?? head);
    this.minRank = options.minSeverity ? severityRank(options.minSeverity) : 0;
  }

  /** A newly published anomaly (any tenant's: filtered here). */
  push(anomaly: StoredAnomaly): void {
    if (this.closed) return;
    if (this.live.length >= MAX_BUFFERED) {
      this.live.length = 0;
      this.replaying = true;
    } else {
      this.live.push(anomaly);
    }
    this.wake?.();
  }

  private wanted(anomaly: StoredAnomaly): boolean {
    return (
      scopeSees(this.options.scope, anomaly) &&
      severityRank(anomaly.severity) >= this.minRank &&
      (anomaly.suppressedBy === null || this.options.includeSuppressed === true)
    );
  }

  async next(): Promise<IteratorResult<StoredAnomaly>> {
    while (!this.closed) {
      const ready = this.ready.shift();
      if (ready) return { done: false, value: ready };
      if (this.replaying) {
        const page = await this.read(this.options.scope, this.last.toString(), REPLAY_PAGE);
        if (page.length < REPLAY_PAGE) this.replaying = false;
        for (const anomaly of page) {
          if (seq(anomaly) <= this.last) continue;
          this.last = seq(anomaly);
          if (this.wanted(anomaly)) this.ready.push(anomaly);
        }
        continue;
      }
      const live = this.live.shift();
      if (live) {
        if (seq(live) <= this.last) continue;
        this.last = seq(live);
        if (this.wanted(live)) return { done: false, value: live };
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    return { done: true, value: undefined };
  }

  return(): Promise<IteratorResult<StoredAnomaly>> {
    if (!this.closed) {
      this.closed = true;
      this.live.length = 0;
      this.onClose();
      this.wake?.();
    }
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
