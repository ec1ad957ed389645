import { tenantScope } from '@app/graph';
import { type PendingDeadLetter, type StoredAnomaly } from '@app/persistence';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDatabase, dropDatabase, migrate } from '../../tools/infra';
import { anomalyRow, openStore, persistenceDatabaseUrl, type Store } from './support/store';
import { newWorld } from './support/world';

// The outbox and the live feed are store-wide (one queue, one sequence of positions for all
// tenants), so these tests run on a database of their own, where no other test publishes.
describe('OutboxRepository and the anomaly feed', () => {
  const url = new URL(persistenceDatabaseUrl());
  url.pathname = `/provenant_outbox_${randomBytes(4).toString('hex')}`;
  let store: Store;

  beforeAll(async () => {
    await createDatabase(url.toString());
    await migrate(url.toString());
    store = openStore({ url: url.toString() });
  });
  afterAll(async () => {
    await store?.close();
    await dropDatabase(url.toString());
  });

  const publishAll = async () => {
    const published: StoredAnomaly[] = [];
    for (;;) {
      const result = await store.outbox.publishAnomalies(100, (rows) => {
        published.push(...rows);
        return Promise.resolve();
      });
      if ('busy' in result) throw new Error('nobody else publishes here');
      if (result.published === 0) return published;
    }
  };
  const letter = (topic: string, offset: number) => ({
    topic,
    partition: 0,
    offset: String(offset),
    code: 'INVALID_JSON',
    reason: 'not JSON',
    key: Buffer.from([0x6b, offset]),
    value: Buffer.from([0x00, 0xff, offset]),
    headers: [{ name: Buffer.from('x-provenant-error'), value: Buffer.from([0xc3, 0x28]) }],
  });

  describe('publishAnomalies', () => {
    it('publishes queued anomalies oldest first, giving each the next feed position', async () => {
      await publishAll();
      const head = Number(await store.anomalies.feedHead());
      const w = newWorld();
      const raised = await store.raise(
        [1, 2, 3].map((n) => anomalyRow(w.tenant('acme'), { dedupeKey: `${n}|${w.run}` })),
      );
      expect(await store.outbox.pending()).toMatchObject({ anomalies: 3 });

      const first: StoredAnomaly[] = [];
      expect(
        await store.outbox.publishAnomalies(2, (rows) => {
          first.push(...rows);
          return Promise.resolve();
        }),
      ).toEqual({ published: 2 });
      const rest = await publishAll();

      expect([...first, ...rest]).toEqual(
        raised.map((anomaly, i) => ({ ...anomaly, feedSeq: String(head + i + 1) })),
      );
      expect(await store.outbox.pending()).toMatchObject({ anomalies: 0 });
      expect(await store.anomalies.feedHead()).toBe(String(head + 3));
    });

    it('marks nothing when publishing fails: the same anomalies come again, at the same positions', async () => {
      await publishAll();
      const w = newWorld();
      const [raised] = await store.raise([
        anomalyRow(w.tenant('acme'), { dedupeKey: `1|${w.run}` }),
      ]);

      await expect(
        store.outbox.publishAnomalies(10, () => Promise.reject(new Error('broker down'))),
      ).rejects.toThrow('broker down');

      expect(await store.outbox.pending()).toMatchObject({ anomalies: 1 });
      const [again] = await publishAll();
      expect(again.id).toBe(raised.id);
      expect(again.feedSeq).toBe(await store.anomalies.feedHead());
    });

    it('gives a changed anomaly that held the last position a later one, never the same again', async () => {
      await publishAll();
      const w = newWorld();
      const row = anomalyRow(w.tenant('acme'), {
        dedupeKey: `1|${w.run}`,
        requestId: `req-${w.run}`,
      });
      await store.raise([row]);
      const [first] = await publishAll();
      // Judged again, the rules no longer find it: a change, published at a new position
      // (a subscriber or an export that saw the first one resumes after it).
      await store.judge([], [row.requestId!], [row.rule]);
      const [change] = await publishAll();
      expect(change).toMatchObject({ id: first.id, version: 2, verdict: 'WITHDRAWN' });
      expect(BigInt(change.feedSeq!)).toBeGreaterThan(BigInt(first.feedSeq!));
      // Triaged by an analyst: the same again.
      await store.anomalies.triage(tenantScope([row.tenant]), {
        anomalyId: first.id,
        triage: 'RESOLVED',
        actor: 'analyst',
        note: null,
      });
      const [triaged] = await publishAll();
      expect(triaged).toMatchObject({ id: first.id, version: 3, triage: 'RESOLVED' });
      expect(BigInt(triaged.feedSeq!)).toBeGreaterThan(BigInt(change.feedSeq!));
    });

    it('steps aside while another process holds the publication turn', async () => {
      await publishAll();
      const w = newWorld();
      await store.raise([anomalyRow(w.tenant('acme'), { dedupeKey: `1|${w.run}` })]);
      const other = new Client({ connectionString: url.toString() });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query('SELECT pg_advisory_xact_lock($1)', [0x70726f76]);
        const publish = jest.fn(() => Promise.resolve());
        expect(await store.outbox.publishAnomalies(10, publish)).toEqual({ busy: true });
        expect(publish).not.toHaveBeenCalled();
        await other.query('ROLLBACK');
      } finally {
        await other.end();
      }
      expect(await publishAll()).toHaveLength(1);
    });
  });

  describe('the feed', () => {
    it('replays published anomalies after a position, in feed order, as far as the scope may see', async () => {
      await publishAll();
      const w = newWorld();
      const [acme, globex, stranger] = ['acme', 'globex', 'stranger'].map(w.tenant);
      const head = await store.anomalies.feedHead();
      await store.raise([
        anomalyRow(acme, { dedupeKey: `1|${w.run}` }),
        anomalyRow(globex, { dedupeKey: `2|${w.run}` }),
        anomalyRow(acme, { dedupeKey: `3|${w.run}`, targetTenant: globex }),
      ]);
      // Queued but not yet published: not in the feed.
      expect(await store.anomalies.feedAfter(tenantScope([acme, globex]), head, 10)).toEqual([]);
      const [p1, p2, p3] = await publishAll();

      expect(await store.anomalies.feedAfter(tenantScope([acme]), head, 10)).toEqual([p1, p3]);
      expect(await store.anomalies.feedAfter(tenantScope([globex]), head, 10)).toEqual([p2, p3]);
      expect(await store.anomalies.feedAfter(tenantScope([globex]), p2.feedSeq!, 10)).toEqual([p3]);
      expect(await store.anomalies.feedAfter(tenantScope([acme, globex]), head, 2)).toEqual([
        p1,
        p2,
      ]);
      expect(await store.anomalies.feedAfter(tenantScope([stranger]), head, 10)).toEqual([]);
      expect(await store.anomalies.feedHead()).toBe(p3.feedSeq);
    });
  });

  describe('publishDeadLetters', () => {
    const drain = () =>
      store.outbox.publishDeadLetters(1000, () => Promise.resolve()).then(() => undefined);
    const stored = (topic: string) =>
      store.sql<{
        offset: string;
        published: boolean;
        key: Buffer | null;
        value: Buffer | null;
        headers: unknown;
      }>(
        `SELECT "offset"::text, published_at IS NOT NULL AS published, key, value, headers
         FROM dead_letters WHERE topic = $1 ORDER BY "offset"`,
        [topic],
      );

    it('publishes recorded dead letters oldest first, as received, then keeps only where and why', async () => {
      await drain();
      const w = newWorld();
      await store.store([], [letter(w.topic, 7), letter(w.topic, 8), letter(w.topic, 9)]);
      expect(await store.outbox.pending()).toMatchObject({ deadLetters: 3 });

      const published: PendingDeadLetter[] = [];
      const collect = (rows: PendingDeadLetter[]) => {
        published.push(...rows);
        return Promise.resolve();
      };
      expect(await store.outbox.publishDeadLetters(2, collect)).toEqual({ published: 2 });
      expect(await store.outbox.publishDeadLetters(2, collect)).toEqual({ published: 1 });
      expect(await store.outbox.publishDeadLetters(2, collect)).toEqual({ published: 0 });

      expect(published).toEqual(
        [7, 8, 9].map((offset) => ({ ...letter(w.topic, offset), id: expect.any(String) })),
      );
      expect(await store.outbox.pending()).toMatchObject({ deadLetters: 0 });
      expect(await stored(w.topic)).toEqual(
        ['7', '8', '9'].map((offset) => ({
          offset,
          published: true,
          key: null,
          value: null,
          headers: null,
        })),
      );
    });

    it('keeps the copy when publishing fails', async () => {
      await drain();
      const w = newWorld();
      await store.store([], [letter(w.topic, 1)]);

      await expect(
        store.outbox.publishDeadLetters(10, () => Promise.reject(new Error('broker down'))),
      ).rejects.toThrow('broker down');

      expect(await stored(w.topic)).toEqual([
        expect.objectContaining({ published: false, key: letter(w.topic, 1).key }),
      ]);
    });

    it('never hands two publishers the same dead letter', async () => {
      await drain();
      const w = newWorld();
      await store.store(
        [],
        [1, 2, 3, 4].map((offset) => letter(w.topic, offset)),
      );
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const first: string[] = [];
      const second: string[] = [];
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));

      const slow = store.outbox.publishDeadLetters(2, (rows) => {
        first.push(...rows.map((row) => row.offset));
        entered();
        return held;
      });
      await inside;
      await store.outbox.publishDeadLetters(10, (rows) => {
        second.push(...rows.map((row) => row.offset));
        return Promise.resolve();
      });
      release();
      await slow;

      expect(first).toEqual(['1', '2']);
      expect(second).toEqual(['3', '4']);
    });
  });
});
