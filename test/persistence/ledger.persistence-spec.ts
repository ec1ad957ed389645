import { tenantScope } from '@app/graph';
import type { ExportEventRow } from '@app/persistence';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { openStore } from './support/store';
import { newWorld } from './support/world';

// Each row written back as one JSON line, so the rows can be read out of the text.
const asJson = (rows: ExportEventRow[]): string =>
  rows.map((row) => `${JSON.stringify(row)}\n`).join('');
const rowsOf = async (stream: Readable): Promise<ExportEventRow[]> => {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as ExportEventRow);
};

/** Places every queued event and makes it a leaf (other tests' too: the queue is the database's). */
async function sequenceAll(store: ReturnType<typeof openStore>): Promise<void> {
  for (;;) {
    const result = await store.ledger.sequence(1000);
    if ('busy' in result) continue;
    if (result.placed < 1000) break;
  }
  for (;;) {
    const result = await store.integrator.integrate(1000);
    if ('busy' in result) continue;
    if (result.integrated < 1000) return;
  }
}

const sha256 = (bytes: Buffer): Buffer => createHash('sha256').update(bytes).digest();

describe('LedgerRepository and ExportRepository', () => {
  const store = openStore();
  afterAll(() => store.close());

  // acme stores five events, one of them a hop aimed at globex; globex stores one.
  const w = newWorld();
  const [acme, globex, stranger, quirky] = ['acme', 'globex', 'stranger', 'quirky'].map(w.tenant);
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

  // What a record may hold: what JSON escapes, what a text[] literal or a line split would
  // trip on, and what neither escapes.
  const oddText =
    'quote " backslash \\ comma , braces {} NULL line\nbreak\r tab\t é – 𝄞 \u2028 end';
  const odd = w.acted(
    quirky,
    {
      requestId: w.request('q'),
      hopId: 'h',
      actor: agent,
      target: { service: 'crm', resource: oddText },
    },
    6,
  );

  beforeAll(async () => {
    await store.store([...acmeEvents, aimed]);
    await store.store([globexOwn]);
    await store.store([odd]);
    await sequenceAll(store);
  });

  const ceIds = (rows: ExportEventRow[]) =>
    rows.map((row) => (JSON.parse(row.record) as { id: string }).id);

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

  it('makes every placed event a leaf, in place order: its canonical record and SHA-256(0x00 || record)', async () => {
    const leaves = await store.sql<{
      leaf_index: string;
      record: string;
      leaf_hash: Buffer;
      event_id: string;
      received_at: Date;
    }>(
      `SELECT v.leaf_index::text, v.record, v.leaf_hash, l.event_id::text, e.received_at
       FROM ledger_leaves v JOIN ledger_entries l USING (leaf_index) JOIN events e ON e.id = l.event_id
       WHERE v.tenant = ANY($1) ORDER BY v.leaf_index`,
      [[acme, globex]],
    );
    const graphs = [...acmeEvents, aimed, globexOwn];
    expect(leaves).toHaveLength(graphs.length);
    leaves.forEach((leaf, i) => {
      const event = graphs[i].event;
      // The record is the stored event, keys sorted, no whitespace (RFC 8785).
      const record = JSON.parse(leaf.record) as Record<string, unknown>;
      expect(record).toEqual({
        specversion: '1.0',
        id: event.ceId,
        source: event.source,
        type: event.type,
        time: new Date(event.time).toISOString(),
        tenantid: event.tenant,
        datacontenttype: 'application/json',
        provenantuid: leaf.event_id,
        provenantreceivedat: leaf.received_at.toISOString(),
        data: JSON.parse(JSON.stringify(event.data)) as unknown,
      });
      expect(Object.keys(record)).toEqual(Object.keys(record).sort());
      expect(leaf.record).not.toMatch(/[\n ]"/);
      expect(leaf.leaf_hash).toEqual(
        sha256(Buffer.concat([Buffer.from([0]), Buffer.from(leaf.record, 'utf8')])),
      );
    });
    // No gap: leaves run from 0 to the last placed position.
    const [{ leaves: count, head }] = await store.sql<{ leaves: number; head: number }>(
      'SELECT count(*)::int AS leaves, max(leaf_index)::int AS head FROM ledger_leaves',
    );
    expect(count).toBe(head + 1);
  });

  it('keeps a record byte for byte, whatever its strings hold', async () => {
    const [leaf] = await store.sql<{ record: string; leaf_hash: Buffer }>(
      'SELECT record, leaf_hash FROM ledger_leaves WHERE tenant = $1',
      [quirky],
    );
    const record = JSON.parse(leaf.record) as { data: { target: { resource: string } } };
    expect(record.data.target.resource).toBe(oddText);
    expect(leaf.record).not.toContain('\n');
    expect(leaf.leaf_hash).toEqual(
      sha256(Buffer.concat([Buffer.from([0]), Buffer.from(leaf.record, 'utf8')])),
    );
  });

  it('lets one integrator at a time take the turn', async () => {
    const held = await store.database.pool.connect();
    try {
      await held.query('BEGIN');
      await held.query('SELECT pg_advisory_xact_lock($1)', [0x6c656166]);
      expect(await store.integrator.integrate(10)).toEqual({ busy: true });
    } finally {
      await held.query('ROLLBACK');
      held.release();
    }
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
      await store.exports.streamEvents(
        acmeScope,
        { after: null, limit: 3 },
        bounds.through!,
        asJson,
      ),
    );
    expect(ceIds(first)).toEqual(acmeEvents.slice(0, 3).map((graph) => graph.event.ceId));
    expect(BigInt(first[2].position)).toBe(bounds.through);
    // A full page resumes after its last record.
    expect(bounds.next).toBe(bounds.through);

    const globexScope = tenantScope([globex]);
    const theirs = await store.exports.eventBounds(globexScope, { after: null, limit: 100 });
    const seen = await rowsOf(
      await store.exports.streamEvents(
        globexScope,
        { after: null, limit: 100 },
        theirs.through!,
        asJson,
      ),
    );
    expect(ceIds(seen)).toEqual([aimed.event.ceId, globexOwn.event.ceId]);
    expect(JSON.parse(seen[0].record)).toMatchObject({ data: { target: { tenant: globex } } });
  });

  it('ends a short page at the head, so the next page starts past what the scope may not see', async () => {
    const scope = tenantScope([stranger]);
    const empty = await store.exports.eventBounds(scope, { after: null, limit: 100 });
    expect(empty).toMatchObject({ through: null, count: 0 });
    const [{ head }] = await store.sql<{ head: string }>(
      'SELECT max(leaf_index)::text AS head FROM ledger_leaves',
    );
    expect(empty.next).toBe(BigInt(head));
  });

  it('keeps to the event-time window it is given', async () => {
    const scope = tenantScope([acme]);
    const query = { after: null, limit: 100, since: new Date(w.at(1)), until: new Date(w.at(3)) };
    const bounds = await store.exports.eventBounds(scope, query);
    const rows = await rowsOf(
      await store.exports.streamEvents(scope, query, bounds.through!, asJson),
    );
    expect(ceIds(rows)).toEqual(acmeEvents.slice(1, 3).map((graph) => graph.event.ceId));
  });

  it('refuses to change or remove a place once given', async () => {
    await expect(store.sql('UPDATE ledger_entries SET tenant = tenant')).rejects.toThrow(
      /append-only/,
    );
    await expect(store.sql('DELETE FROM ledger_entries')).rejects.toThrow(/append-only/);
    await expect(store.sql("UPDATE ledger_leaves SET record = '{}'")).rejects.toThrow(
      /append-only/,
    );
    await expect(store.sql('DELETE FROM ledger_leaves')).rejects.toThrow(/append-only/);
    await expect(store.sql('TRUNCATE ledger_leaves CASCADE')).rejects.toThrow(/append-only/);
  });
});
