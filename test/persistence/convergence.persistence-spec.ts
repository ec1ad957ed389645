import { defaultPolicy } from '@app/anomalies';
import { EventDecoder, IngestBatchService, type IncomingMessage } from '@app/ingestion';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { openStore } from './support/store';

// Property (CONTRACT §5, verdicts converge): once all of a request's events have arrived, its
// open anomalies are the same whatever their order and batching. Small stories are drawn
// whose facts make rules fire and un-fire (escalated scopes, lifetimes, act claims, the
// wrong actor or audience, revocations, an origin offboarded then reinstated, a missing
// parent hop); each story is stored once in one batch, and again in a drawn order and
// split, through the ingest use case's batch path (decoder, store, rules, verdicts). Both
// must end with the same open anomalies (rule, request, subject).

const T0 = Date.UTC(2026, 10, 1, 9, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

const story = fc.record({
  /** Which of the pool's events happen (see `eventsOf`). */
  include: fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }),
  botScopes: fc.constantFrom(['crm.read'], ['crm.read', 'crm.admin']),
  botExpiresMin: fc.constantFrom(30, 2000),
  mayAct: fc.constantFrom('agent:bot', 'agent:other', null),
  toolActPrior: fc.constantFrom('agent:bot', 'agent:mallory'),
  h2Actor: fc.constantFrom('tool:crm', 'agent:bot'),
  h2Service: fc.constantFrom('crm-api', 'billing-api'),
  /** How the gateway of h1 describes the token it saw presented (scopes), if at all. */
  presentedScopes: fc.constantFrom(null, ['crm.read'], ['crm.read', 'crm.admin']),
  revoked: fc.constantFrom('t1', 't0'),
  revokedAtMin: fc.constantFrom(0.5, 1.5, 5),
  lifecycle: fc.constantFrom('offboarded', 'disabled'),
  lifecycleAtMin: fc.constantFrom(0.25, 1.5, 1.75),
  /** When a second report of hop h2 (the bot with the tool's token) says it happened. */
  h2AgainAtMin: fc.constantFrom(1.9, 2.1),
});
type Story = typeof story extends fc.Arbitrary<infer T> ? T : never;

/** The story's events for one world (`s`: its suffix), in the pool's order. */
function eventsOf(drawn: Story, s: string): Array<Record<string, unknown>> {
  const tenant = `acme-${s}`;
  const requestId = `req-${s}`;
  const person = (id: string, kind: string) => ({
    id: `${id}-${s}`,
    issuer: 'https://id.example',
    kind,
  });
  const alice = person('alice', 'human');
  const tool = person('tool:crm', 'tool');
  const bot = person('agent:bot', 'agent');
  const byId = { 'tool:crm': tool, 'agent:bot': bot };
  const jti = (name: string) => `${name}-${s}`;
  const sts = 'https://sts.example';
  const t0 = {
    jti: jti('t0'),
    issuer: sts,
    scopes: ['crm.read', 'crm.write'],
    expiresAt: at(60),
    ...(drawn.mayAct
      ? { claims: { sub: alice.id, may_act: { sub: `${drawn.mayAct}-${s}` } } }
      : {}),
  };
  const t1 = {
    jti: jti('t1'),
    issuer: sts,
    audience: ['crm-mcp'],
    scopes: drawn.botScopes,
    expiresAt: at(drawn.botExpiresMin),
    claims: { sub: alice.id, act: { sub: bot.id } },
  };
  const t2 = {
    jti: jti('t2'),
    issuer: sts,
    audience: ['crm-api'],
    scopes: ['crm.read'],
    expiresAt: at(20),
    claims: { sub: alice.id, act: { sub: tool.id, act: { sub: `${drawn.toolActPrior}-${s}` } } },
  };
  const presented = (token: { jti: string; issuer: string }, scopes: readonly string[] | null) => ({
    jti: token.jti,
    issuer: token.issuer,
    ...(scopes ? { scopes } : {}),
  });
  const globex = `globex-${s}`;
  const envelope = (
    index: number,
    type: string,
    minutes: number,
    data: object,
    reporter = tenant,
  ) => ({
    specversion: '1.0',
    id: `ev-${index}-${s}`,
    source: `gw://${reporter}`,
    type,
    time: at(minutes),
    tenantid: reporter,
    data,
  });
  const action = (index: number, minutes: number, data: object) =>
    envelope(index, 'provenant.action.performed', minutes, {
      requestId,
      onBehalfOf: alice,
      decision: 'allow',
      ...data,
    });
  const pool = [
    envelope(0, 'provenant.token.exchanged', 0, {
      requestId,
      subject: alice,
      actor: bot,
      subjectToken: t0,
      issuedToken: t1,
    }),
    envelope(1, 'provenant.token.exchanged', 0.5, {
      requestId,
      subject: alice,
      actor: tool,
      subjectToken: presented(t1, null),
      issuedToken: t2,
    }),
    action(2, 1, {
      hopId: 'h1',
      actor: bot,
      target: { service: 'crm-mcp' },
      token: presented(t1, drawn.presentedScopes),
    }),
    action(3, 2, {
      hopId: 'h2',
      parentHopId: 'h1',
      actor: byId[drawn.h2Actor],
      target: { service: drawn.h2Service },
      token: presented(t2, null),
    }),
    action(4, 3, {
      hopId: 'h3',
      parentHopId: 'h2',
      actor: tool,
      target: { service: 'crm-api' },
      token: presented(t2, null),
    }),
    envelope(5, 'provenant.token.revoked', drawn.revokedAtMin, {
      token: presented(drawn.revoked === 't1' ? t1 : t0, null),
      revokedAt: at(drawn.revokedAtMin),
    }),
    envelope(6, 'provenant.principal.changed', drawn.lifecycleAtMin, {
      principal: alice,
      change: drawn.lifecycle,
      effectiveAt: at(drawn.lifecycleAtMin),
    }),
    envelope(7, 'provenant.principal.changed', 1.75, {
      principal: alice,
      change: 'enabled',
      effectiveAt: at(1.75),
    }),
    // The bot presents the tool's token too.
    action(8, 2.5, {
      hopId: 'h4',
      parentHopId: 'h1',
      actor: bot,
      target: { service: 'crm-api' },
      token: presented(t2, null),
    }),
    // The gateway reports hop h2 a second time, differently: the report of the earlier
    // event stands, whichever arrives first.
    action(9, drawn.h2AgainAtMin, {
      hopId: 'h2',
      parentHopId: 'h1',
      actor: bot,
      target: { service: 'crm-api' },
      token: presented(t2, null),
    }),
    // The tool's token issued again, at the same instant, to someone else: one of the two
    // exchanges is its story, the same one whichever arrives first.
    envelope(10, 'provenant.token.exchanged', 0.5, {
      requestId,
      subject: alice,
      actor: person('agent:mallory', 'agent'),
      subjectToken: presented(t1, null),
      issuedToken: { jti: t2.jti, issuer: t2.issuer },
    }),
    // Another tenant's gateway: a hop of the same id acting for acme's human against acme,
    // and a revocation of acme's token that only acme may make. Its own account, judged alone.
    envelope(
      11,
      'provenant.action.performed',
      1.2,
      {
        requestId,
        hopId: 'h1',
        actor: person('agent:eve', 'agent'),
        onBehalfOf: { ...alice, tenant },
        target: { service: 'crm-api', tenant },
        token: { jti: jti('t-eve'), issuer: sts, audience: ['crm-api'] },
        decision: 'allow',
      },
      globex,
    ),
    envelope(
      12,
      'provenant.token.revoked',
      0.4,
      { token: { ...presented(t1, null), tenant }, revokedAt: at(0.4) },
      globex,
    ),
  ];
  return pool.filter((_, index) => drawn.include[index]);
}

const EVERY_RULE = {
  drawn: {
    include: [...Array<boolean>(9).fill(true), false, false, false, false],
    botScopes: ['crm.read', 'crm.admin'],
    botExpiresMin: 2000,
    mayAct: 'agent:other',
    toolActPrior: 'agent:mallory',
    h2Actor: 'tool:crm',
    h2Service: 'billing-api',
    presentedScopes: null,
    revoked: 't0',
    revokedAtMin: 1.5,
    lifecycle: 'disabled',
    lifecycleAtMin: 0.25,
    h2AgainAtMin: 2.1,
  } as Story,
  order: [0, 1, 2, 3, 4, 8, 6, 7, 5],
  cuts: Array<boolean>(9).fill(true),
  repeat: 6,
};

/** Cuts `events` into consecutive batches after each position marked in `cuts`. */
function split<T>(events: T[], cuts: boolean[]): T[][] {
  const batches: T[][] = [[]];
  events.forEach((event, index) => {
    batches[batches.length - 1].push(event);
    if (cuts[index] && index < events.length - 1) batches.push([]);
  });
  return batches;
}

describe('verdicts converge (property)', () => {
  const store = openStore();
  afterAll(() => store.close());
  const service = new IngestBatchService(
    store.database,
    store.events,
    store.graphs,
    store.suppressions,
  );
  const decoder = new EventDecoder();
  // No wait runs out during the test: a missing parent stays a gap, not an anomaly.
  const policy = { ...defaultPolicy(), untrackedHopGraceMs: 3_600_000 };
  const topic = `convergence-${randomBytes(4).toString('hex')}`;
  let offset = 0;

  const incoming = (event: Record<string, unknown>): IncomingMessage => ({
    key: Buffer.from(String((event.data as { requestId?: string }).requestId ?? 'none')),
    value: Buffer.from(JSON.stringify(event)),
    headers: { 'content-type': 'application/cloudevents+json' },
    rawHeaders: [],
    position: { topic, partition: 0, offset: String(offset++) },
  });

  /** Stores the batches one after the other; returns the world's open anomalies. */
  async function replay(batches: Array<Array<Record<string, unknown>>>, s: string) {
    for (const batch of batches) {
      const result = await service.ingest(decoder, policy, batch.map(incoming));
      expect(result.rejected.map((r) => r.error.message)).toEqual([]);
    }
    const rows = await store.sql<{ rule: string; request_id: string | null; dedupe_key: string }>(
      `SELECT rule, request_id, dedupe_key FROM anomalies
       WHERE verdict = 'OPEN' AND dedupe_key LIKE '%' || $1 || '%'`,
      [s],
    );
    return rows
      .map((row) => `${row.rule} ${row.request_id} ${row.dedupe_key}`.replaceAll(s, 'S'))
      .sort();
  }

  const seen = { rules: new Set<string>(), withdrawn: 0 };

  it('ends with the same open anomalies whatever the arrival order and batch split', async () => {
    await fc.assert(
      fc.asyncProperty(
        story.chain((drawn) => {
          const count = drawn.include.filter(Boolean).length;
          return fc.record({
            drawn: fc.constant(drawn),
            order: fc.shuffledSubarray(
              Array.from({ length: count }, (_, i) => i),
              { minLength: count, maxLength: count },
            ),
            cuts: fc.array(fc.boolean(), { minLength: count, maxLength: count }),
            /** An event delivered again at the end, as an at-least-once producer may. */
            repeat: fc.option(fc.nat({ max: 20 }), { nil: undefined }),
          });
        }),
        async ({ drawn, order, cuts, repeat }) => {
          const reference = randomBytes(4).toString('hex');
          const expected = await replay([eventsOf(drawn, reference)], reference);

          const s = randomBytes(4).toString('hex');
          const events = eventsOf(drawn, s);
          const batches = split(
            order.map((i) => events[i]),
            cuts,
          );
          if (repeat !== undefined && events.length > 0)
            batches.push([events[order[repeat % events.length]]]);
          const actual = await replay(batches, s);
          expect(actual).toEqual(expected);

          for (const line of expected) seen.rules.add(line.split(' ')[0]);
          const withdrawn = await store.sql<{ n: string }>(
            `SELECT count(*) AS n FROM anomalies WHERE verdict = 'WITHDRAWN' AND dedupe_key LIKE '%' || $1 || '%'`,
            [s],
          );
          seen.withdrawn += Number(withdrawn[0].n);
        },
      ),
      {
        numRuns: Number(process.env.CONVERGENCE_RUNS ?? 100),
        // Always tried besides the drawn ones: every rule fires, and the origin's
        // reinstatement, arriving after the uses and the suspension, withdraws verdicts.
        examples: [[EVERY_RULE]],
      },
    );
    // The stories reached the rules they are drawn for, and verdicts were withdrawn on the way.
    expect([...seen.rules].sort()).toEqual(
      expect.arrayContaining([
        'AUDIENCE_MISMATCH',
        'EXCESSIVE_LIFETIME',
        'IMPERSONATION_WITHOUT_MAY_ACT',
        'ORPHANED_DELEGATION',
        'SCOPE_ESCALATION',
        'SHARED_TOKEN',
        'UNTRACKED_HOP',
        'USE_AFTER_REVOCATION',
      ]),
    );
    expect(seen.withdrawn).toBeGreaterThan(0);
  }, 120_000);
});
