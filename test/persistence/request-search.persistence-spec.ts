import { tenantScope } from '@app/graph';
import { containsPattern } from '@app/investigation';
import {
  RequestSearchRepository,
  type RequestMatch,
  type RequestPageQuery,
} from '@app/persistence';
import { openStore } from './support/store';
import { newWorld } from './support/world';

const FINGERPRINT = `sha256:${'ab'.repeat(32)}`;

describe('RequestSearchRepository', () => {
  const store = openStore({ applicationName: 'persistence-request-search' });
  const searches = new RequestSearchRepository(store.database);
  afterAll(() => store.close());

  // acme: request a1 (an exchange and two hops, minutes 1-3) and a2 (minute 10, a token known
  // by its fingerprint). mallory: a hop aimed at acme (m1, minute 20), its own request (m3,
  // minute 40), and a hop it reports under acme's request id a1 at minute 50, naming a
  // resource and a principal acme never reported.
  const w = newWorld();
  const [acme, mallory, stranger] = ['acme', 'mallory', 'stranger'].map(w.tenant);
  const alice = w.principal('alice', 'human', { displayName: 'Alice 50%_Off\\Ng' });
  const bob = w.principal('bob', 'human');
  const agent = w.principal('agent', 'agent');
  const evil = w.principal('evil-bot', 'agent');
  const [a1, a2, m1, m3] = ['a1', 'a2', 'm1', 'm3'].map(w.request);
  const login = w.token('login');
  const delegated = w.token('delegated');
  const vault = w.token('vault', { fingerprint: FINGERPRINT });
  const planted = w.token('planted');

  beforeAll(() =>
    store.store([
      w.exchanged(
        acme,
        {
          requestId: a1,
          subject: alice,
          actor: agent,
          subjectToken: login,
          issuedToken: delegated,
        },
        1,
      ),
      w.acted(
        acme,
        {
          requestId: a1,
          hopId: 'h1',
          actor: agent,
          onBehalfOf: alice,
          target: { service: 'crm-api', resource: 'accounts/42' },
          token: delegated,
        },
        2,
      ),
      w.acted(
        acme,
        {
          requestId: a1,
          hopId: 'h2',
          parentHopId: 'h1',
          actor: agent,
          onBehalfOf: alice,
          target: { service: 'billing-api' },
          token: delegated,
        },
        3,
      ),
      w.acted(
        acme,
        { requestId: a2, hopId: 'h1', actor: bob, target: { service: 'vault' }, token: vault },
        10,
      ),
      w.acted(
        mallory,
        {
          requestId: m1,
          hopId: 'h1',
          actor: evil,
          onBehalfOf: { ...alice, tenant: acme },
          target: { service: 'payments-api', tenant: acme },
        },
        20,
      ),
      w.acted(
        mallory,
        { requestId: m3, hopId: 'h1', actor: evil, target: { service: 'crm-api' } },
        40,
      ),
      w.exchanged(
        mallory,
        { requestId: a1, subject: evil, actor: evil, subjectToken: login, issuedToken: planted },
        45,
      ),
      w.acted(
        mallory,
        {
          requestId: a1,
          hopId: 'x',
          actor: evil,
          onBehalfOf: w.principal('planted', 'human'),
          target: { service: 'exfil', resource: 'secret-dump' },
        },
        50,
      ),
    ]),
  );

  const page = (
    match: RequestMatch = {},
    extra: Partial<RequestPageQuery> = {},
  ): RequestPageQuery => ({ match, limit: 50, ...extra });

  /** Both plans, which must agree: every request of this world as candidates, and the walk. */
  async function both(tenants: string[], query: RequestPageQuery) {
    const scope = tenantScope(tenants);
    const kinds = (['requestId', 'principal', 'target', 'token'] as const).filter(
      (kind) => query.match[kind] !== undefined,
    );
    const ranked = await searches.rank(scope, [a1, a2, m1, m3], kinds, query);
    const walked = await searches.walk(scope, query);
    expect(walked).toEqual(ranked);
    return walked.map((row) => row.requestId);
  }

  it('lists visible requests newest first, each at its latest visible activity', async () => {
    expect(await both([acme], page())).toEqual([m1, a2, a1]);
    const [, , first] = await searches.walk(tenantScope([acme]), page());
    // mallory's hop under a1 at minute 50 does not place a1 for acme.
    expect(first.at).toEqual(new Date(w.at(3)));
    expect(await both([mallory], page())).toEqual([a1, m3, m1]);
    expect(await both([stranger], page())).toEqual([]);
    expect(await both([acme, mallory], page())).toEqual([a1, m3, m1, a2]);
  });

  it('pages with the keyset, without repeats or misses', async () => {
    const scope = tenantScope([acme, mallory]);
    const seen: string[] = [];
    let after: RequestPageQuery['after'];
    for (;;) {
      const rows = await searches.walk(scope, page({}, { limit: 1, after }));
      if (rows.length === 0) break;
      seen.push(rows[0].requestId);
      after = rows[0];
    }
    expect(seen).toEqual([a1, m3, m1, a2]);
  });

  it('matches principals by any part of id or display name, literally, in visible facts only', async () => {
    const byText = (text: string, tenant?: string) => ({
      principal: { pattern: containsPattern(text), tenant },
    });
    expect(await both([acme], page(byText('ALICE')))).toEqual([m1, a1]);
    expect(await both([acme], page(byText('alice', acme)))).toEqual([m1, a1]);
    expect(await both([acme], page(byText('alice', mallory)))).toEqual([]);
    expect(await both([acme], page(byText('50%_off\\ng')))).toEqual([m1, a1]);
    expect(await both([acme], page(byText('50_')))).toEqual([]);
    expect(await both([acme], page(byText('planted')))).toEqual([]);
    expect(await both([mallory], page(byText('planted')))).toEqual([a1]);
    expect(await both([stranger], page(byText('alice')))).toEqual([]);
  });

  it('matches targets by service or resource', async () => {
    const target = (text: string) => ({ target: containsPattern(text) });
    expect(await both([acme], page(target('CRM')))).toEqual([a1]);
    expect(await both([acme], page(target('counts/4')))).toEqual([a1]);
    expect(await both([acme], page(target('secret')))).toEqual([]);
    expect(await both([mallory], page(target('crm')))).toEqual([m3]);
    expect(await both([mallory], page(target('secret')))).toEqual([a1]);
  });

  it('matches tokens by jti (with or without issuer) or fingerprint', async () => {
    expect(await both([acme], page({ token: { jti: delegated.jti } }))).toEqual([a1]);
    expect(await both([acme], page({ token: { jti: login.jti } }))).toEqual([a1]);
    expect(
      await both([acme], page({ token: { jti: delegated.jti, issuer: 'https://x' } })),
    ).toEqual([]);
    expect(await both([acme], page({ token: { fingerprint: FINGERPRINT } }))).toEqual([a2]);
    expect(await both([mallory], page({ token: { fingerprint: FINGERPRINT } }))).toEqual([]);
  });

  it('places and filters by the window, and combines parts', async () => {
    const window = { since: new Date(w.at(2)), until: new Date(w.at(15)) };
    expect(await both([acme], page({}, window))).toEqual([a2, a1]);
    const [, first] = await searches.walk(tenantScope([acme]), page({}, window));
    expect(first.at).toEqual(new Date(w.at(3)));
    expect(
      await both(
        [acme],
        page({ target: containsPattern('billing'), principal: { pattern: '%ali%' } }),
      ),
    ).toEqual([a1]);
    expect(await both([acme], page({ requestId: a2, target: '%crm%' }))).toEqual([]);
  });

  it('probes only what the scope sees', async () => {
    const token = { token: { jti: planted.jti } };
    expect(await searches.probe(tenantScope([acme]), token, 10)).toEqual([
      { kind: 'token', requestIds: [], complete: true },
    ]);
    expect(await searches.probe(tenantScope([mallory]), token, 10)).toEqual([
      { kind: 'token', requestIds: [a1], complete: true },
    ]);
    for (const match of [
      { principal: { pattern: '%planted%' } },
      { target: '%secret%' },
      { principal: { pattern: '%evil-bot%' } },
    ])
      expect((await searches.probe(tenantScope([acme]), match, 10))[0].requestIds).not.toContain(
        a1,
      );
  });

  it('probes each part, cut at the cap', async () => {
    const probes = await searches.probe(
      tenantScope([acme]),
      { target: containsPattern('api'), requestId: a2 },
      2,
    );
    expect(probes).toEqual([
      { kind: 'requestId', requestIds: [a2], complete: true },
      { kind: 'target', requestIds: expect.any(Array), complete: false },
    ]);
  });

  it('summarizes from the visible facts only', async () => {
    const summaries = await searches.summaries(tenantScope([acme]), [a1, a2, m3]);
    expect(summaries.has(m3)).toBe(false);
    expect(summaries.get(a1)).toMatchObject({
      firstSeenAt: new Date(w.at(1)),
      lastSeenAt: new Date(w.at(3)),
      hops: 2,
      targets: ['billing-api', 'crm-api'],
      targetCount: 2,
      openAnomalies: 0,
      maxSeverity: null,
    });
  });

  describe('PrincipalRepository.search', () => {
    it('finds visible identities once, in a stable order', async () => {
      const found = await store.principals.search(tenantScope([acme]), {
        pattern: containsPattern(w.run),
        limit: 10,
      });
      // acme's own principals, and alice as mallory claimed her in a hop aimed at acme
      // (acme's own record preferred); never mallory's evil-bot unless aimed at acme.
      expect(found.map((p) => `${p.tenant}/${p.id}/${p.reportedBy}`)).toEqual([
        `${acme}/${agent.id}/${acme}`,
        `${acme}/${alice.id}/${acme}`,
        `${acme}/${bob.id}/${acme}`,
        `${mallory}/${evil.id}/${mallory}`,
      ]);
      expect(
        await store.principals.search(tenantScope([stranger]), {
          pattern: containsPattern(w.run),
          limit: 10,
        }),
      ).toEqual([]);
      const second = await store.principals.search(tenantScope([acme]), {
        pattern: containsPattern(w.run),
        after: { id: found[0].id, tenant: found[0].tenant, issuer: found[0].issuer },
        limit: 10,
      });
      expect(second).toEqual(found.slice(1));
    });
  });
});
