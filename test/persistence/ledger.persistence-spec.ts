import { tenantScope } from '@app/graph';
import type { ExportEventRow } from '@app/persistence';
import type { Readable } from 'node:stream';
import { openStore } from './support/store';
import { newWorld } from './support/world';

const rowsOf = async (stream: Readable): Promise<ExportEventRow[]> => {
  const rows: ExportEventRow[] = [];
  for await (const row of stream) rows.push(row as ExportEventRow);
  return rows;
};

/** Places every queued event (other tests' too: the queue is the database's). */
async function sequenceAll(store: ReturnType<typeof openStore>): Promise<void> {
  for (;;) {
    const result = await store.ledger.sequence(1000);
    if ('busy' in result) continue;
    if (result.placed < 1000) return;
  }
}

describe('LedgerRepository and ExportRepository', () => {
  const store = openStore();
  afterAll(() => store.close());

  // acme stores five events, one of them a hop aimed at globex; globex stores one.
  const w = newWorld();
  const [acme, globex, stranger] = ['acme', 'globex', 'stranger'].map(w.tenant);
  const agent = w.principal('agent', 'agent');
  const acmeEvents = [0, 1, 2, 3].map((minute) =>
    w.acted(
      acme,
      { requestId: w.request(`a${minute}`), hopId: 'h', actor: agent, target: { service: 'crm' } },
      minute,
    ),
  );
  const aimed = w.acted(
    acme,
    {
      requestId: w.request('x'),
      hopId: 'h',
      actor: agent,
      target: { service: 'books', tenant: globex },
    },
    4,
  );
  const globexOwn = w.acted(
    globex,
    { requestId: w.request('g'), hopId: 'h', actor: agent, target: { service: 'books' } },
    5,
  );

  beforeAll(async () => {
    await store.store([...acmeEvents, aimed]);
    await store.store([globexOwn]);
    await sequenceAll(store);
  });

  const ceIds = (rows: ExportEventRow[]) => rows.map((row) => row.ceId);

  it('gives every stored event one place, in id order, and empties the queue of them', async () => {
    const placed = await store.sql<{ leaf_index: string; event_id: string; ce_id: string }>(
      `SELECT l.leaf_index::text, l.event_id::text, e.ce_id FROM ledger_entries l JOIN events e ON e.id = l.event_id
       WHERE e.tenant = ANY($1) ORDER BY l.leaf_index`,
      [[acme, globex]],
    );
    expect(placed.map((row) => row.ce_id)).toEqual(
      [...acmeEvents, aimed, globexOwn].map((graph) => graph.event.ceId),
    );
    const indexes = placed.map((row) => BigInt(row.leaf_index));
    expect(indexes.slice(1).every((index, i) => index > indexes[i])).toBe(true);
    const queued = await store.sql(
      'SELECT 1 FROM ledger_queue WHERE event_id = ANY($1::bigint[])',
      [placed.map((row) => row.event_id)],
    );
    expect(queued).toEqual([]);
  });

  it('lets one sequencer at a time take the turn', async () => {
    const held = await store.database.pool.connect();
    try {
      await held.query('BEGIN');
      await held.query('SELECT pg_advisory_xact_lock($1)', [0x6c656467]);
      expect(await store.ledger.sequence(10)).toEqual({ busy: true });
    } finally {
      await held.query('ROLLBACK');
      held.release();
    }
  });

  it('streams a page of what the scope may see, in place order; another tenant sees its own and what aims at it', async () => {
    const acmeScope = tenantScope([acme]);
    const bounds = await store.exports.eventBounds(acmeScope, { after: null, limit: 3 });
    expect(bounds.count).toBe(3);
    const first = await rowsOf(
      await store.exports.streamEvents(acmeScope, { after: null, limit: 3 }, bounds.through!),
    );
    expect(ceIds(first)).toEqual(acmeEvents.slice(0, 3).map((graph) => graph.event.ceId));
    expect(BigInt(first[2].position)).toBe(bounds.through);
    // A full page resumes after its last record.
    expect(bounds.next).toBe(bounds.through);

    const globexScope = tenantScope([globex]);
    const theirs = await store.exports.eventBounds(globexScope, { after: null, limit: 100 });
    const seen = await rowsOf(
      await store.exports.streamEvents(globexScope, { after: null, limit: 100 }, theirs.through!),
    );
    expect(ceIds(seen)).toEqual([aimed.event.ceId, globexOwn.event.ceId]);
    expect(JSON.parse(seen[0].data)).toMatchObject({ target: { tenant: globex } });
  });

  it('ends a short page at the head, so the next page starts past what the scope may not see', async () => {
    const scope = tenantScope([stranger]);
    const empty = await store.exports.eventBounds(scope, { after: null, limit: 100 });
    expect(empty).toMatchObject({ through: null, count: 0 });
    const [{ head }] = await store.sql<{ head: string }>(
      'SELECT max(leaf_index)::text AS head FROM ledger_entries',
    );
    expect(empty.next).toBe(BigInt(head));
  });

  it('keeps to the event-time window it is given', async () => {
    const scope = tenantScope([acme]);
    const query = { after: null, limit: 100, since: new Date(w.at(1)), until: new Date(w.at(3)) };
    const bounds = await store.exports.eventBounds(scope, query);
    const rows = await rowsOf(await store.exports.streamEvents(scope, query, bounds.through!));
    expect(ceIds(rows)).toEqual(acmeEvents.slice(1, 3).map((graph) => graph.event.ceId));
  });

  it('refuses to change or remove a place once given', async () => {
    await expect(store.sql('UPDATE ledger_entries SET tenant = tenant')).rejects.toThrow(
      /append-only/,
    );
    await expect(store.sql('DELETE FROM ledger_entries')).rejects.toThrow(/append-only/);
  });
});
