import { defaultPolicy } from '@app/anomalies';
import { EventDecoder, IngestBatchService, type IncomingMessage } from '@app/ingestion';
import {
  DatabaseService,
  EventStoreRepository,
  RequestGraphRepository,
  SuppressionRepository,
} from '@app/persistence';
import fc from 'fast-check';
import { databaseUrl, uniqueSuffix } from './support/infra';

// Property: whatever a gateway sends, in whatever mix, every message of a batch is either
// stored exactly once (by its source and id) or recorded as a dead letter, and storing the
// batch never fails (the consumer always advances). Runs the real decoder and the real
// store against the real database; the generators aim at what PostgreSQL refuses.

const run = uniqueSuffix();
const TOPIC = `fuzz-${run}`;
const SOURCE = `gw://fuzz/${run}`;

/** Any UTF-16 code unit: NUL, lone surrogates and all. */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: anyUnit, maxLength: 40 }),
  fc.constantFrom(
    '\u0000',
    'a\ud800b',
    '\udfff',
    '\u4e2d'.repeat(200),
    '\u{1F600}'.repeat(130),
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
    'Bearer abcdefghijklmnop',
    '__proto__',
    '',
  ),
);
const pick = <T>(values: T[]) => fc.constantFrom(...values);
/** Mostly a plausible value, sometimes a hostile one: most events must stay storable. */
const mostly = <T>(usual: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 12, arbitrary: usual }, { weight: 1, arbitrary: hostileText });
const eventTime = fc.oneof(
  { weight: 20, arbitrary: fc.constant('2026-11-22T10:00:00Z') },
  fc.constant('0000-01-01T00:00:00Z'), // valid by the contract, refused by PostgreSQL
  fc.constant('2099-01-01T00:00:00Z'),
  fc.constant('not a time'),
);
const principal = fc.record({
  id: mostly(pick(['agent:a', 'agent:b', 'alice@acme.example'])),
  issuer: mostly(pick(['https://sts.acme.example'])),
  kind: pick(['human', 'agent', 'tool', 'service', 'workload', 'robot']),
});
const token = fc.record({
  jti: mostly(pick(['t-1', 't-2', 't-3'])),
  issuer: pick(['https://sts.acme.example']),
  scopes: fc.array(mostly(pick(['crm.read', 'crm.write'])), { maxLength: 3 }),
});
const action = fc.record({
  requestId: mostly(pick(['r-1', 'r-2', 'r-3'])),
  hopId: mostly(pick(['h-1', 'h-2'])),
  actor: principal,
  onBehalfOf: principal,
  target: fc.record({ service: mostly(pick(['crm-api'])) }),
  token,
  decision: pick(['allow', 'deny']),
  reason: mostly(pick(['ok', 'policy'])),
});
const exchange = fc.record({
  requestId: pick(['r-1', 'r-2', 'r-3']),
  subject: principal,
  actor: principal,
  subjectToken: token,
  issuedToken: token,
});
const event = fc.oneof(
  fc.record({ type: fc.constant('provenant.action.performed'), data: action }),
  fc.record({ type: fc.constant('provenant.token.exchanged'), data: exchange }),
);
const envelope = fc.record({
  // A small pool of ids: duplicates within a batch and across batches.
  id: mostly(pick(['e-1', 'e-2', 'e-3', 'e-4', 'e-5'])),
  time: eventTime,
  tenantid: mostly(pick([`acme-${run}`, `globex-${run}`])),
  body: event,
});
const message = fc.oneof(
  { weight: 8, arbitrary: envelope.map((e) => ({ kind: 'event' as const, ...e })) },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'bytes' as const, bytes })),
  },
);

let offset = 0;
type Generated = typeof message extends fc.Arbitrary<infer T> ? T : never;
function toIncoming(generated: Generated): IncomingMessage {
  const value =
    generated.kind === 'bytes'
      ? Buffer.from(generated.bytes)
      : Buffer.from(
          JSON.stringify({
            specversion: '1.0',
            id: generated.id,
            source: SOURCE,
            type: generated.body.type,
            time: generated.time,
            tenantid: generated.tenantid,
            data: generated.body.data,
          }),
        );
  const headers = { 'content-type': 'application/cloudevents+json' };
  return {
    key: Buffer.from('k'),
    value,
    headers,
    rawHeaders: [
      { name: Buffer.from('content-type'), value: Buffer.from(headers['content-type']) },
    ],
    position: { topic: TOPIC, partition: 0, offset: String(offset++) },
  };
}

describe('ingesting generated hostile batches', () => {
  const database = new DatabaseService({ url: databaseUrl(), poolSize: 3 });
  const service = new IngestBatchService(
    database,
    new EventStoreRepository(),
    new RequestGraphRepository(database, {}),
    new SuppressionRepository(database),
  );
  const decoder = new EventDecoder();
  const policy = defaultPolicy();

  afterAll(() => database.onApplicationShutdown());

  const seen = { stored: 0, refused: 0, isolated: 0 };

  it('stores every message once or dead-letters it, and never fails the batch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 25 }), async (generated) => {
        const messages = generated.map(toIncoming);
        // Sometimes the same message twice in one batch, as a producer retry does.
        if (messages.length > 1 && messages[0].value!.length % 2 === 0)
          messages.push({
            ...messages[0],
            position: { ...messages[0].position, offset: String(offset++) },
          });

        const result = await service.ingest(decoder, policy, messages);

        const refused = new Set(result.rejected.map((r) => r.message.position.offset));
        seen.stored += result.stored;
        seen.refused += refused.size;
        seen.isolated += result.rejected.filter((r) => r.error.code === 'STORAGE_REFUSED').length;
        const letters = await database.pool.query<{ offset: string }>(
          'SELECT "offset"::text FROM dead_letters WHERE topic = $1 AND "offset" = ANY($2::bigint[])',
          [TOPIC, messages.map((m) => m.position.offset)],
        );
        expect(new Set(letters.rows.map((row) => row.offset))).toEqual(refused);
        for (const incoming of messages) {
          if (refused.has(incoming.position.offset)) continue;
          const decoded = decoder.decode(incoming);
          expect(decoded.ok).toBe(true);
          if (!decoded.ok) continue;
          const { rows } = await database.pool.query<{ count: string }>(
            'SELECT count(*) FROM events WHERE source = $1 AND ce_id = $2',
            [decoded.event.source, decoded.event.id],
          );
          expect(rows[0].count).toBe('1');
        }
      }),
      { numRuns: 100 },
    );
    // The generators reached every path: stored, refused at decoding, isolated from a batch.
    expect(seen.stored).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(seen.isolated);
    expect(seen.isolated).toBeGreaterThan(0);
  });
});
