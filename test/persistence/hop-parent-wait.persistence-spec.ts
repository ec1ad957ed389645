import { openStore } from './support/store';
import { newWorld } from './support/world';

// Hops waiting for their parent: written as hops are stored, ended by the parent's arrival,
// claimed once their grace has passed by one transaction at a time. Claims run in
// transactions rolled back at the end, so other tests' waits (the database is shared) stay.
describe('HopParentWaitRepository', () => {
  const store = openStore();
  afterAll(() => store.close());

  class Rollback extends Error {}
  /** Runs `work` in a transaction that is rolled back afterwards; returns what it returned. */
  async function rolledBack<T>(work: Parameters<typeof store.database.transaction<T>>[0]) {
    let result: T | undefined;
    await store.database
      .transaction(async (tx) => {
        result = await work(tx);
        throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
    return result as T;
  }

  const waitsOf = (requestId: string) =>
    store.sql<{ hop_id: string; parent_hop_id: string; on_time: boolean }>(
      `SELECT w.hop_id, w.parent_hop_id, w.arrived_at = e.received_at AS on_time
       FROM hop_parent_waits w
       JOIN hops h ON h.tenant = w.tenant AND h.request_id = w.request_id AND h.hop_id = w.hop_id
       JOIN events e ON e.id = h.event_id
       WHERE w.request_id = $1 ORDER BY w.hop_id`,
      [requestId],
    );

  function story() {
    const w = newWorld();
    const acme = w.tenant('acme');
    const requestId = w.request('r');
    const agent = w.principal('agent', 'agent');
    const hop = (hopId: string, parentHopId?: string) =>
      w.acted(acme, { requestId, hopId, parentHopId, actor: agent, target: { service: 'crm' } });
    return { w, acme, requestId, hop };
  }

  it('starts a wait for a hop stored without its parent, stamped with its arrival, and ends it when the parent comes', async () => {
    const { requestId, hop } = story();
    await store.store([hop('h1'), hop('h2', 'h1'), hop('h4', 'h3')]);
    expect(await waitsOf(requestId)).toEqual([
      { hop_id: 'h4', parent_hop_id: 'h3', on_time: true },
    ]);

    await store.store([hop('h3', 'h2')]);
    expect(await waitsOf(requestId)).toEqual([]);
  });

  it('hands out a wait only once its grace has passed, to one transaction at a time', async () => {
    const { requestId, hop } = story();
    await store.store([hop('h2', 'h1')]);

    expect(await rolledBack((tx) => store.waits.claimDue(tx, 3_600_000, 10_000))).not.toContain(
      requestId,
    );

    const [first, second] = await rolledBack(async (tx) => {
      const claimed = await store.waits.claimDue(tx, 0, 10_000);
      // Another transaction, while this one holds the claim: it skips the claimed row.
      const meanwhile = await rolledBack((other) => store.waits.claimDue(other, 0, 10_000));
      return [claimed, meanwhile];
    });
    expect(first).toContain(requestId);
    expect(second).not.toContain(requestId);
    // Claimed and rolled back: the wait is still there for the next sweep.
    expect(await waitsOf(requestId)).toHaveLength(1);
    const claimedForGood = await store.database.transaction(async (tx) => {
      const claimed = await store.waits.claimDue(tx, 0, 10_000);
      return claimed.includes(requestId);
    });
    expect(claimedForGood).toBe(true);
    expect(await waitsOf(requestId)).toEqual([]);
  });

  it('counts the waits, and those past their grace', async () => {
    const { hop } = story();
    await store.store([hop('h2', 'h1')]);
    const now = await store.waits.counts(0);
    const later = await store.waits.counts(3_600_000);
    expect(now.waiting).toBeGreaterThanOrEqual(1);
    expect(now.due).toBe(now.waiting);
    expect(later.due).toBeLessThan(now.due);
  });
});
