import { recordKey, SYSTEM_SCOPE, tenantScope } from '@app/graph';
import type { TokenTreeRow } from '@app/persistence';
import { reconstruct } from '@app/provenance';
import { openStore, type Store } from './support/store';
import { newWorld, tokenKeyOf } from './support/world';

describe('TokenRepository.descendants', () => {
  // acme: t0 → t1 → t2 and t0 → t3. globex exchanged acme's t0 for g1 in its own records.
  // acme revokes t3; hr, trusted for acme, revokes t2; a stranger claims to revoke t1.
  const w = newWorld();
  const [acme, globex, hr, stranger] = ['acme', 'globex', 'hr', 'stranger'].map(w.tenant);
  const alice = w.principal('alice', 'human');
  const agent = w.principal('agent', 'agent');
  const tool = w.principal('tool', 'tool');
  const [t0, t1, t2, t3, g1] = ['t0', 't1', 't2', 't3', 'g1'].map((jti) => w.token(jti));
  const key = (token: typeof t0) => tokenKeyOf(token);
  let store: Store;

  beforeAll(async () => {
    store = openStore({ authorities: { [acme]: [hr] } });
    await store.store([
      w.exchanged(
        acme,
        {
          requestId: w.request('1'),
          subject: alice,
          actor: agent,
          subjectToken: t0,
          issuedToken: t1,
        },
        1,
      ),
      w.exchanged(
        acme,
        {
          requestId: w.request('2'),
          subject: alice,
          actor: tool,
          subjectToken: t1,
          issuedToken: t2,
        },
        2,
      ),
      w.exchanged(
        acme,
        {
          requestId: w.request('3'),
          subject: alice,
          actor: agent,
          subjectToken: t0,
          issuedToken: t3,
        },
        3,
      ),
      w.exchanged(
        globex,
        {
          requestId: w.request('g'),
          subject: { ...alice, tenant: acme },
          actor: agent,
          subjectToken: { ...t0, tenant: acme },
          issuedToken: g1,
        },
        4,
      ),
      w.revoked(acme, t3, 10),
      w.revoked(hr, { ...t2, tenant: acme }, 11),
      w.revoked(stranger, { ...t1, tenant: acme }, 12),
    ]);
  });
  afterAll(() => store.close());

  const tree = async (tenants: string[] | 'system', root = t0) =>
    (
      await store.tokens.descendants(
        tenants === 'system' ? SYSTEM_SCOPE : tenantScope(tenants),
        key(root),
      )
    ).map((row: TokenTreeRow) => ({
      key: row.key,
      reportedBy: row.reportedBy,
      depth: row.depth,
      parentKey: row.parentKey,
      revokedAt: row.revokedAt,
    }));

  it('walks the owner’s tree breadth first, each token with how it was obtained', async () => {
    const rows = await store.tokens.descendants(tenantScope([acme]), key(t0));

    expect(rows.map((row) => [row.key, row.depth, row.parentKey])).toEqual([
      [key(t0), 0, null],
      ...[
        [key(t1), 1, key(t0)],
        [key(t3), 1, key(t0)],
      ].sort(),
      [key(t2), 2, key(t1)],
    ]);
    expect(rows.find((row) => row.key === key(t2))).toMatchObject({
      reportedBy: acme,
      tenant: acme,
      jti: t2.jti,
      actor: tool.id,
      subject: alice.id,
      requestId: w.request('2'),
    });
    expect(rows[0]).toMatchObject({ actor: null, subject: null, requestId: null });
  });

  it('shows the revocations in effect that the scope’s tenants reported, never a claim', async () => {
    const revoked = (rows: Awaited<ReturnType<typeof tree>>) =>
      Object.fromEntries(rows.map((row) => [row.key, row.revokedAt]));

    expect(revoked(await tree([acme]))).toEqual({
      [key(t0)]: null,
      [key(t1)]: null, // the stranger's claim
      [key(t2)]: null, // hr's report, which acme's scope alone does not read
      [key(t3)]: new Date(w.at(10)),
    });
    expect(revoked(await tree([acme, hr]))[key(t2)]).toEqual(new Date(w.at(11)));
    expect(revoked(await tree('system'))).toMatchObject({
      [key(t1)]: null,
      [key(t2)]: new Date(w.at(11)),
    });
  });

  it('keeps each tenant’s tree its own', async () => {
    expect(await tree([globex])).toEqual([
      { key: key(t0), reportedBy: globex, depth: 0, parentKey: null, revokedAt: null },
      { key: key(g1), reportedBy: globex, depth: 1, parentKey: key(t0), revokedAt: null },
    ]);
    const both = await tree([acme, globex]);
    expect(
      both.map((row) => `${row.reportedBy === acme ? 'acme' : 'globex'}:${row.depth}`),
    ).toEqual(['acme:0', 'globex:0', 'acme:1', 'acme:1', 'globex:1', 'acme:2']);
  });

  it('shows a foreign tenant nothing, and a claimant only its own record of the claim', async () => {
    expect(await tree([stranger])).toEqual([]);
    expect(await tree([`${stranger}-2`], t1)).toEqual([]);
    expect(await tree([stranger], t1)).toEqual([
      { key: key(t1), reportedBy: stranger, depth: 0, parentKey: null, revokedAt: null },
    ]);
  });

  it('ends on a cycle of parent links', async () => {
    const c = newWorld();
    const owner = c.tenant('acme');
    const [a, b] = [c.token('a'), c.token('b')];
    const subject = c.principal('alice', 'human');
    const actor = c.principal('agent', 'agent');
    await store.store([
      c.exchanged(owner, {
        requestId: c.request('1'),
        subject,
        actor,
        subjectToken: a,
        issuedToken: b,
      }),
      c.exchanged(
        owner,
        { requestId: c.request('2'), subject, actor, subjectToken: b, issuedToken: a },
        1,
      ),
    ]);

    const rows = await store.tokens.descendants(tenantScope([owner]), tokenKeyOf(a));
    expect(rows.map((row) => [row.key, row.depth])).toEqual([
      [tokenKeyOf(a), 0],
      [tokenKeyOf(b), 1],
    ]);
  });
});

describe('which exchange issued a token, when several claim to', () => {
  // Two exchanges of the same minute claim to have issued `x`: one for `late` from subject
  // token `b`, stored first; one for `early` from subject token `a`. The lineage tree and the
  // reconstruction must name the same obtainer (firstIssuing: time, subject token, actor).
  const w = newWorld();
  const acme = w.tenant('acme');
  const alice = w.principal('alice', 'human');
  const [late, early] = [w.principal('late', 'agent'), w.principal('early', 'agent')];
  const [a, b, x] = [w.token('a'), w.token('b'), w.token('x')];
  const requestId = w.request('1');
  let store: Store;

  beforeAll(async () => {
    store = openStore();
    const exchange = (actor: typeof late, subjectToken: typeof a) =>
      w.exchanged(acme, { requestId, subject: alice, actor, subjectToken, issuedToken: x }, 1);
    await store.store([exchange(late, b)]);
    await store.store([exchange(early, a)]);
  });
  afterAll(() => store.close());

  it('is the same in the lineage tree as in the chain', async () => {
    const scope = tenantScope([acme]);
    const [lineage] = await store.tokens.descendants(scope, tokenKeyOf(x));
    const graph = (await store.graphs.loadVisible(scope, [requestId])).get(requestId)!;
    const issuedBy = reconstruct(graph).issuedBy.get(recordKey(acme, tokenKeyOf(x)));

    expect(issuedBy?.actor.id).toBe(early.id);
    expect(lineage.actor).toBe(early.id);
  });
});
