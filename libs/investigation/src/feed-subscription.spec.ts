import { tenantScope, type TenantScope } from '@app/graph';
import { type StoredAnomaly } from '@app/persistence';
import { FeedSubscription, type FeedReader } from './feed-subscription';

const anomaly = (
  seq: number,
  tenant = 'acme',
  severity: StoredAnomaly['severity'] = 'HIGH',
  suppressedBy: string | null = null,
) =>
  ({
    id: String(seq + 100),
    rule: 'SHARED_TOKEN',
    severity,
    requestId: `r-${seq}`,
    tenant,
    targetTenant: null,
    dedupeKey: `k-${seq}`,
    summary: 's',
    details: {},
    detectedAt: new Date(0),
    feedSeq: String(seq),
    verdict: 'OPEN',
    verdictReason: null,
    triage: 'NEW',
    version: 1,
    changedAt: new Date(0),
    suppressedBy,
  }) satisfies StoredAnomaly;

/** A store holding `published`, read the way the repository does (after, in order). */
const store =
  (published: StoredAnomaly[]): FeedReader =>
  (scope: TenantScope, after: string, limit: number) =>
    Promise.resolve(
      published
        .filter((a) => BigInt(a.feedSeq!) > BigInt(after))
        .filter((a) => scope.kind === 'system' || scope.tenants.includes(a.tenant))
        .slice(0, limit),
    );

const take = async (subscription: FeedSubscription, n: number) => {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await subscription.next()).value!.feedSeq);
  return out;
};

describe('FeedSubscription', () => {
  const scope = tenantScope(['acme']);

  it('replays what was missed after the cursor, then goes live, each once and in order', async () => {
    const published = [1, 2, 3, 4].map((n) => anomaly(n));
    const subscription = new FeedSubscription(
      { scope, after: '2' },
      '4',
      store(published),
      () => {},
    );
    // Live pushes overlapping the replay (3, 4) are not delivered twice.
    for (const n of [3, 4, 5]) subscription.push(anomaly(n));
    expect(await take(subscription, 3)).toEqual(['3', '4', '5']);
  });

  it('starts at the head without a cursor and filters by tenant and severity', async () => {
    const subscription = new FeedSubscription(
      { scope, minSeverity: 'HIGH' },
      '10',
      store([]),
      () => {},
    );
    subscription.push(anomaly(9)); // before the head: never
    subscription.push(anomaly(11, 'globex')); // another tenant's
    subscription.push(anomaly(12, 'acme', 'LOW')); // below the severity asked for
    subscription.push(anomaly(13));
    expect(await take(subscription, 1)).toEqual(['13']);
  });

  it('keeps suppressed anomalies off the feed unless asked for them', async () => {
    const quiet = new FeedSubscription({ scope }, '0', store([]), () => {});
    const all = new FeedSubscription({ scope, includeSuppressed: true }, '0', store([]), () => {});
    for (const subscription of [quiet, all]) {
      subscription.push(anomaly(1, 'acme', 'HIGH', '7'));
      subscription.push(anomaly(2));
    }
    expect(await take(quiet, 1)).toEqual(['2']);
    expect(await take(all, 2)).toEqual(['1', '2']);
  });

  it('falls back to the store when a slow subscriber overflows its buffer, losing nothing', async () => {
    const published = Array.from({ length: 6000 }, (_, i) => anomaly(i + 1));
    const subscription = new FeedSubscription({ scope }, '0', store(published), () => {});
    for (const a of published) subscription.push(a);
    const seen = await take(subscription, 6000);
    expect(seen).toEqual(published.map((a) => a.feedSeq));
  });

  it('ends when returned, and tells its owner', async () => {
    let closed = 0;
    const subscription = new FeedSubscription({ scope }, '0', store([]), () => (closed += 1));
    const pending = subscription.next();
    await subscription.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(closed).toBe(1);
  });
});
