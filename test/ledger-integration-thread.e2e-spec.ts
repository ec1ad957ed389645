import { DatabaseService } from '@app/persistence';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDatabase, dropDatabase, migrate } from '../tools/infra';
import type { LedgerIntegrationThread as Thread } from '../apps/ingestor/src/ledger-integration.thread';
import { databaseUrl, uniqueSuffix } from './support/infra';
import { leafHashOf } from './support/rfc9162';

// The ingestor's integration thread as built (the worker is a file of its own in the
// build), on a database of its own: the leaves it writes, and a thread that goes away.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LedgerIntegrationThread } = require(
  join(__dirname, '..', 'dist', 'apps', 'ingestor', 'src', 'ledger-integration.thread.js'),
) as { LedgerIntegrationThread: new (config: { DATABASE_URL: string }) => Thread };

const EVENTS = 40;

describe('the ledger integration thread', () => {
  const url = new URL(databaseUrl());
  url.pathname = `/provenant_integration_${uniqueSuffix()}`;
  let database: DatabaseService;
  let thread: Thread;

  beforeAll(async () => {
    await createDatabase(url.toString());
    await migrate(url.toString());
    database = new DatabaseService({ url: url.toString(), poolSize: 1 });
    // Stored and placed events, as the ingestor's store and sequencer leave them.
    await database.pool.query(
      `INSERT INTO events (id, source, ce_id, type, tenant, request_id, time, data, topic, partition, "offset")
       SELECT g, 'gw://acme/gateway', 'ev-' || g, 'provenant.action.performed', 'acme', 'req-' || g,
              timestamptz '2026-11-01T00:00:00Z' + g * interval '1 second',
              jsonb_build_object('requestId', 'req-' || g, 'hopId', 'hop-' || g), 'delegation-events', 0, g
       FROM generate_series(1, $1::int) g`,
      [EVENTS],
    );
    await database.pool.query(
      `INSERT INTO ledger_entries (leaf_index, event_id, tenant, target_tenant)
       SELECT id - 1, id, tenant, target_tenant FROM events`,
    );
    thread = new LedgerIntegrationThread({ DATABASE_URL: url.toString() });
  });

  afterAll(async () => {
    await thread?.onApplicationShutdown();
    await database?.onApplicationShutdown();
    await dropDatabase(url.toString());
  });

  const leaves = () =>
    database.pool
      .query<{ index: string; record: string; hash: Buffer; ceId: string }>(
        `SELECT l.leaf_index::text AS index, l.record, l.leaf_hash AS hash, e.ce_id AS "ceId"
         FROM ledger_leaves l JOIN ledger_entries x ON x.leaf_index = l.leaf_index
         JOIN events e ON e.id = x.event_id ORDER BY l.leaf_index`,
      )
      .then((result) => result.rows);

  it('writes the leaves of placed events, in order, each hash SHA-256(0x00 || its record)', async () => {
    expect(await thread.integrate(15)).toEqual({ integrated: 15 });
    const written = await leaves();
    expect(written.map((leaf) => leaf.index)).toEqual(
      Array.from({ length: 15 }, (_, i) => String(i)),
    );
    for (const leaf of written) {
      expect(leaf.hash.equals(leafHashOf(leaf.record))).toBe(true);
      expect(JSON.parse(leaf.record)).toMatchObject({ id: leaf.ceId });
    }
  });

  it('fails the call in progress when it stops, and the next call starts a new thread that goes on', async () => {
    const cut = thread.integrate(5);
    await thread.onApplicationShutdown();
    await expect(cut).rejects.toThrow(/shutting down/);
    // Whatever the stopped thread committed or rolled back, the new one carries on from there.
    // (The stopped thread's connection may hold the integration turn for a moment: busy.)
    for (let i = 0; i < 50; i++) {
      const result = await thread.integrate(100);
      if ('integrated' in result && result.integrated === 0) break;
      if ('busy' in result) await sleep(100);
    }
    const written = await leaves();
    expect(written).toHaveLength(EVENTS);
    expect(written.map((leaf) => leaf.index)).toEqual(
      Array.from({ length: EVENTS }, (_, i) => String(i)),
    );
  });
});
