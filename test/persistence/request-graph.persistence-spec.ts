import { recordKey, SYSTEM_SCOPE, tenantScope, type RequestGraph } from '@app/graph';
import { openStore, type Store } from './support/store';
import { newWorld, tokenKeyOf, tokenRecord } from './support/world';
import { expectEventually } from '../support/eventually';

const hopKeys = (graph: RequestGraph | undefined) => graph?.hops.map((hop) => hop.key).sort();
const tokenOf = (graph: RequestGraph | undefined, key: string) => graph?.tokens.get(key);

/**
 * One request of acme's: alice's token t0 exchanged by an agent for t1, presented in two hops,
 * the first one calling globex. Globex reports a hop of its own in the same request; acme
 * revokes t1; hr (trusted for acme's lifecycle) disables alice; a stranger claims to revoke t0
 * and to offboard alice, which takes no effect.
 */
function acmeRequest() {
  const w = newWorld();
  const [acme, globex, hr, stranger] = ['acme', 'globex', 'hr', 'stranger'].map(w.tenant);
  const requestId = w.request('r');
  const other = w.request('other');
  const alice = w.principal('alice', 'human', { displayName: 'Alice' });
  const agent = w.principal('agent', 'agent');
  const tool = w.principal('tool', 'tool');
  const helper = w.principal('helper', 'agent');
  const globexService = w.principal('ledger', 'service');
  const t0 = w.token('t0');
  const t1 = w.token('t1', { scopes: ['crm.read'] });
  const t1AsGlobexSawIt = { ...t1, tenant: acme };
  const events = [
    w.exchanged(acme, {
      requestId,
      subject: alice,
      actor: agent,
      subjectToken: t0,
      issuedToken: t1,
    }),
    w.acted(
      acme,
      {
        requestId,
        hopId: 'h1',
        actor: agent,
        onBehalfOf: alice,
        token: t1,
        target: { service: 'ledger', tenant: globex },
      },
      1,
    ),
    w.acted(
      acme,
      {
        requestId,
        hopId: 'h2',
        parentHopId: 'h1',
        actor: tool,
        onBehalfOf: alice,
        token: t1,
        target: { service: 'crm' },
      },
      2,
    ),
    w.acted(
      globex,
      {
        requestId,
        hopId: 'g1',
        actor: globexService,
        token: t1AsGlobexSawIt,
        target: { service: 'books' },
      },
      3,
    ),
    // acme's own t1 presented by someone else, in another request.
    w.acted(
      acme,
      { requestId: other, hopId: 'x1', actor: helper, token: t1, target: { service: 'crm' } },
      4,
    ),
    w.revoked(acme, t1, 10),
    w.revoked(stranger, { ...t0, tenant: acme }, 11),
    w.changed(hr, { ...alice, tenant: acme }, 'disabled', 12),
    w.changed(stranger, { ...alice, tenant: acme }, 'offboarded', 13),
  ];
  return {
    w,
    acme,
    globex,
    hr,
    stranger,
    requestId,
    other,
    alice,
    agent,
    tool,
    helper,
    globexService,
    t0,
    t1,
    events,
  };
}

describe('RequestGraphRepository', () => {
  let store: Store;
  let world: ReturnType<typeof acmeRequest>;

  beforeAll(async () => {
    world = acmeRequest();
    store = openStore({ authorities: { [world.acme]: [world.hr] } });
    await store.store(world.events);
  });
  afterAll(() => store.close());

  describe('loadVisible (the reader’s view)', () => {
    it('shows the owner its hops, exchanges and token lineage, with the revocation it reported', async () => {
      const { acme, requestId, t0, t1, agent, alice } = world;
      const graph = (await store.graphs.loadVisible(tenantScope([acme]), [requestId])).get(
        requestId,
      );

      expect(hopKeys(graph)).toEqual([recordKey(acme, 'h1'), recordKey(acme, 'h2')]);
      const h2 = graph!.hops.find((hop) => hop.hopId === 'h2')!;
      expect(h2).toMatchObject({
        tenant: acme,
        parentKey: recordKey(acme, 'h1'),
        tokenKey: tokenRecord(acme, t1),
        onBehalfOf: { id: alice.id, tenant: acme, reportedBy: acme, displayName: 'Alice' },
      });
      expect(graph!.exchanges).toEqual([
        expect.objectContaining({
          tenant: acme,
          subject: expect.objectContaining({ id: alice.id }),
          actor: expect.objectContaining({ id: agent.id }),
          subjectTokenKey: tokenRecord(acme, t0),
          issuedTokenKey: tokenRecord(acme, t1),
        }),
      ]);
      expect([...graph!.tokens.keys()].sort()).toEqual(
        [tokenRecord(acme, t0), tokenRecord(acme, t1)].sort(),
      );
      expect(tokenOf(graph, tokenRecord(acme, t1))).toMatchObject({
        reportedBy: acme,
        scopes: ['crm.read'],
        parentKey: tokenRecord(acme, t0),
        revokedAt: new Date(world.w.at(10)),
        revokedBy: acme,
      });
      // A stranger's revocation of acme's token is a claim: no effect.
      expect(tokenOf(graph, tokenRecord(acme, t0))).toMatchObject({
        revokedAt: null,
        revokedBy: null,
      });
      // Lifecycle changes and presenters are the rules' business.
      expect(graph!.changes).toEqual([]);
      expect(graph!.presenters.size).toBe(0);
    });

    it('shows the tenant a hop targets that hop as reported, and the token as presented there only', async () => {
      const { acme, globex, requestId, t1 } = world;
      const graph = (await store.graphs.loadVisible(tenantScope([globex]), [requestId])).get(
        requestId,
      );

      expect(hopKeys(graph)).toEqual([recordKey(acme, 'h1'), recordKey(globex, 'g1')]);
      expect(graph!.exchanges).toEqual([]);
      expect([...graph!.tokens.keys()].sort()).toEqual(
        [tokenRecord(acme, t1), tokenRecord(globex, t1)].sort(),
      );
      // acme's record as presented: no lineage, no lifecycle.
      expect(tokenOf(graph, tokenRecord(acme, t1))).toMatchObject({
        reportedBy: acme,
        parentKey: null,
        actorTokenKey: null,
        revokedAt: null,
        revokedBy: null,
      });
      // globex's own record of acme's token: acme's revocation is acme's report, not shown here.
      expect(tokenOf(graph, tokenRecord(globex, t1))).toMatchObject({
        reportedBy: globex,
        revokedAt: null,
      });
    });

    it('shows a foreign tenant nothing', async () => {
      const { stranger, requestId, other } = world;
      const graphs = await store.graphs.loadVisible(tenantScope([stranger, `${stranger}-2`]), [
        requestId,
        other,
      ]);
      expect(graphs.size).toBe(0);
    });

    it('shows the system every tenant’s records', async () => {
      const { acme, globex, requestId, t1 } = world;
      const graph = (await store.graphs.loadVisible(SYSTEM_SCOPE, [requestId])).get(requestId);
      expect(hopKeys(graph)).toEqual([
        recordKey(acme, 'h1'),
        recordKey(acme, 'h2'),
        recordKey(globex, 'g1'),
      ]);
      expect(tokenOf(graph, tokenRecord(globex, t1))).toMatchObject({
        revokedAt: new Date(world.w.at(10)),
        revokedBy: acme,
      });
    });

    it('answers many requests in the same three statements, and none for no request', async () => {
      const { acme, requestId, other } = world;
      let before = store.statements();
      await store.graphs.loadVisible(tenantScope([acme]), [requestId]);
      expect(store.statements() - before).toBe(3);
      before = store.statements();
      const both = await store.graphs.loadVisible(tenantScope([acme]), [
        requestId,
        other,
        'unknown',
      ]);
      expect(store.statements() - before).toBe(3);
      expect([...both.keys()].sort()).toEqual([requestId, other].sort());

      before = store.statements();
      expect((await store.graphs.loadVisible(tenantScope([acme]), [])).size).toBe(0);
      expect(store.statements()).toBe(before);
    });
  });

  describe('loadForRules (the rules’ full account)', () => {
    const load = (requestIds: string[]) =>
      store.database.transaction((tx) => store.graphs.loadForRules(tx, requestIds));

    it('holds every tenant’s records, each its own, with every revocation in effect', async () => {
      const { acme, globex, requestId, t0, t1 } = world;
      const graph = (await load([requestId])).get(requestId);

      expect(hopKeys(graph)).toEqual([
        recordKey(acme, 'h1'),
        recordKey(acme, 'h2'),
        recordKey(globex, 'g1'),
      ]);
      expect(graph!.exchanges).toHaveLength(1);
      expect(tokenOf(graph, tokenRecord(acme, t1))).toMatchObject({
        parentKey: tokenRecord(acme, t0),
        revokedBy: acme,
      });
      // globex's record is not linked into acme's lineage, but acme's revocation reaches it.
      expect(tokenOf(graph, tokenRecord(globex, t1))).toMatchObject({
        parentKey: null,
        revokedAt: new Date(world.w.at(10)),
        revokedBy: acme,
      });
      expect(tokenOf(graph, tokenRecord(acme, t0))).toMatchObject({ revokedAt: null });
    });

    it('adds the lifecycle changes in effect: the owner’s and a trusted tenant’s, never a stranger’s', async () => {
      const { acme, hr, requestId, alice } = world;
      const graph = (await load([requestId])).get(requestId)!;
      const aliceAsNamed = graph.hops.find((hop) => hop.hopId === 'h1')!.onBehalfOf!;
      expect(aliceAsNamed).toMatchObject({ id: alice.id, reportedBy: acme });
      const aliceRef = aliceAsNamed.ref;

      expect(graph.changes).toEqual([
        {
          principalRef: aliceRef,
          change: 'disabled',
          effectiveAt: new Date(world.w.at(12)),
          reportedBy: hr,
        },
      ]);
    });

    it('adds who presented each token anywhere in the same reporter’s records', async () => {
      const { acme, globex, requestId, t1 } = world;
      const graph = (await load([requestId])).get(requestId)!;
      const ref = (hopId: string) => graph.hops.find((hop) => hop.hopId === hopId)!.actor.ref;
      const [helperRef] = await store.sql<{ id: string }>(
        'SELECT id::text FROM principals WHERE reporter = $1 AND subject = $2',
        [acme, world.helper.id],
      );

      expect([...graph.presenters.get(tokenRecord(acme, t1))!].sort()).toEqual(
        [ref('h1'), ref('h2'), helperRef.id].sort(),
      );
      expect(graph.presenters.get(tokenRecord(globex, t1))).toEqual([ref('g1')]);
    });

    it('reads inside the transaction it is given: rows stored there before commit', async () => {
      const w = newWorld();
      const acme = w.tenant('acme');
      const requestId = w.request('fresh');
      const event = w.acted(acme, {
        requestId,
        hopId: 'h1',
        actor: w.principal('agent', 'agent'),
        target: { service: 'crm' },
      });

      const inside = await store.database.transaction(async (tx) => {
        await store.events.storeBatch(tx, { graphs: [event], deadLetters: [] });
        const outside = await store.graphs.loadVisible(SYSTEM_SCOPE, [requestId]);
        expect(outside.size).toBe(0);
        return store.graphs.loadForRules(tx, [requestId]);
      });
      expect(hopKeys(inside.get(requestId))).toEqual([recordKey(acme, 'h1')]);
    });

    it('answers many requests in the same six statements, and none for no request', async () => {
      const { requestId, other } = world;
      const counted = async (requestIds: string[]) => {
        const before = store.statements();
        await load(requestIds);
        return store.statements() - before;
      };
      // BEGIN and COMMIT around the judging lock and five reads.
      expect(await counted([requestId])).toBe(2 + 6);
      expect(await counted([requestId, other])).toBe(2 + 6);
      expect(await counted([])).toBe(2);
    });

    it('lets one transaction at a time judge a request: the next waits for its commit', async () => {
      const { requestId, other } = world;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      const first = store.database.transaction(async (tx) => {
        await store.graphs.loadForRules(tx, [other, requestId]);
        holding();
        await gate;
      });
      await held;
      let secondDone = false;
      const second = store.database
        .transaction((tx) => store.graphs.loadForRules(tx, [requestId]))
        .then(() => (secondDone = true));
      const waitingOnAdvisory = async () =>
        (
          await store.sql<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
          )
        )[0].n;
      await expectEventually(async () => expect(await waitingOnAdvisory()).toBe(1));
      expect(secondDone).toBe(false);
      release();
      await Promise.all([first, second]);
      expect(secondDone).toBe(true);
    });
  });

  describe('requestsAffectedBy', () => {
    /**
     * alice is acme's; ta is acme's token and tb derives from it. Requests: on behalf of
     * alice, an exchange for alice, ta presented, tb presented, globex's use of both alice
     * and ta, and one that touches none of them.
     */
    async function affectedWorld() {
      const w = newWorld();
      const [acme, globex] = [w.tenant('acme'), w.tenant('globex')];
      const alice = w.principal('alice', 'human');
      const agent = w.principal('agent', 'agent');
      const ta = w.token('ta');
      const tb = w.token('tb');
      const target = { service: 'crm' };
      const r = (name: string) => w.request(name);
      await store.store([
        w.acted(acme, { requestId: r('obo'), hopId: 'h', actor: agent, onBehalfOf: alice, target }),
        w.exchanged(acme, {
          requestId: r('exchange'),
          subject: alice,
          actor: agent,
          subjectToken: ta,
          issuedToken: tb,
        }),
        w.acted(acme, { requestId: r('ta'), hopId: 'h', actor: agent, token: ta, target }),
        w.acted(acme, { requestId: r('tb'), hopId: 'h', actor: agent, token: tb, target }),
        w.acted(globex, {
          requestId: r('globex'),
          hopId: 'h',
          actor: agent,
          onBehalfOf: { ...alice, tenant: acme },
          token: { ...ta, tenant: acme },
          target,
        }),
        w.acted(acme, {
          requestId: r('unrelated'),
          hopId: 'h',
          actor: agent,
          token: w.token('tc'),
          target,
        }),
      ]);
      return { w, acme, alice, ta, r };
    }
    const affected = (
      principals: Array<{ tenant: string; issuer: string; subject: string }>,
      keys: string[],
    ) => store.database.transaction((tx) => store.graphs.requestsAffectedBy(tx, principals, keys));

    it('finds every request a principal’s lifecycle change reaches, in any tenant’s records', async () => {
      const { acme, alice, r } = await affectedWorld();
      const found = await affected([{ tenant: acme, issuer: alice.issuer, subject: alice.id }], []);
      expect(found.sort()).toEqual([r('obo'), r('exchange'), r('globex')].sort());
    });

    it('finds every request a revocation reaches: the token and its descendants, in any tenant’s records', async () => {
      const { ta, r } = await affectedWorld();
      const found = await affected([], [tokenKeyOf(ta)]);
      expect(found.sort()).toEqual([r('ta'), r('tb'), r('globex')].sort());
    });

    it('finds nothing for an identity or a token nobody stored, and sends nothing for no change', async () => {
      const { acme, alice } = await affectedWorld();
      expect(
        await affected(
          [{ tenant: `${acme}-x`, issuer: alice.issuer, subject: alice.id }],
          ['jti:none#none'],
        ),
      ).toEqual([]);
      const before = store.statements();
      expect(await affected([], [])).toEqual([]);
      expect(store.statements() - before).toBe(2); // BEGIN, COMMIT
    });
  });
});

describe('the revocation a reader sees', () => {
  // hr (trusted for acme) revokes acme's token first, acme itself later. A reader in acme's
  // scope alone does not read hr's report: it sees acme's own, in the chain as in the
  // lineage tree; a reader in both scopes sees the earliest.
  const w = newWorld();
  const [acme, hr] = ['acme', 'hr'].map(w.tenant);
  const requestId = w.request('1');
  const alice = w.principal('alice', 'human');
  const agent = w.principal('agent', 'agent');
  const [t0, t1] = [w.token('t0'), w.token('t1')];
  let store: Store;

  beforeAll(async () => {
    store = openStore({ authorities: { [acme]: [hr] } });
    await store.store([
      w.exchanged(acme, {
        requestId,
        subject: alice,
        actor: agent,
        subjectToken: t0,
        issuedToken: t1,
      }),
      w.revoked(hr, { ...t1, tenant: acme }, 5),
      w.revoked(acme, t1, 7),
    ]);
  });
  afterAll(() => store.close());

  const seen = async (tenants: string[]) => {
    const scope = tenantScope(tenants);
    const graph = (await store.graphs.loadVisible(scope, [requestId])).get(requestId);
    const token = graph?.tokens.get(tokenRecord(acme, t1));
    const [lineage] = await store.tokens.descendants(scope, tokenKeyOf(t1));
    return { chain: token?.revokedAt, tree: lineage?.revokedAt };
  };

  it('is the earliest one reported within the reader’s scope, in both views', async () => {
    expect(await seen([acme])).toEqual({
      chain: new Date(w.at(7)),
      tree: new Date(w.at(7)),
    });
    expect(await seen([acme, hr])).toEqual({
      chain: new Date(w.at(5)),
      tree: new Date(w.at(5)),
    });
  });
});
