import { SYSTEM_SCOPE, tenantScope } from '@app/graph';
import { type ActionQuery } from '@app/persistence';
import { openStore } from './support/store';
import { newWorld } from './support/world';

describe('PrincipalRepository', () => {
  const store = openStore();
  afterAll(() => store.close());

  describe('find', () => {
    // acme reports alice. mallory names alice too (under another name) in a hop calling
    // globex, and names two principals acme never reported: carol in a hop calling acme,
    // bob in a hop calling nobody.
    const w = newWorld();
    const [acme, mallory, globex, stranger] = ['acme', 'mallory', 'globex', 'stranger'].map(
      w.tenant,
    );
    const alice = w.principal('alice', 'human', { displayName: 'Alice' });
    const carol = w.principal('carol', 'human', { tenant: acme, displayName: 'Carol?' });
    const bob = w.principal('bob', 'human', { tenant: acme });
    const identity = (p: { id: string; issuer: string }) => ({
      tenant: acme,
      issuer: p.issuer,
      subject: p.id,
    });
    const agent = w.principal('agent', 'agent');

    beforeAll(() =>
      store.store([
        w.acted(acme, {
          requestId: w.request('a'),
          hopId: 'h',
          actor: agent,
          onBehalfOf: alice,
          target: { service: 'crm' },
        }),
        w.acted(mallory, {
          requestId: w.request('m1'),
          hopId: 'h',
          actor: agent,
          onBehalfOf: { ...alice, tenant: acme, displayName: 'Not Alice' },
          target: { service: 'billing', tenant: globex },
        }),
        w.acted(mallory, {
          requestId: w.request('m2'),
          hopId: 'h',
          actor: agent,
          onBehalfOf: carol,
          target: { service: 'crm', tenant: acme },
        }),
        w.acted(mallory, {
          requestId: w.request('m3'),
          hopId: 'h',
          actor: agent,
          onBehalfOf: bob,
          target: { service: 'crm' },
        }),
      ]),
    );

    it('gives the owner its own record', async () => {
      expect(await store.principals.find(tenantScope([acme]), identity(alice))).toEqual({
        ref: expect.any(String),
        id: alice.id,
        issuer: alice.issuer,
        tenant: acme,
        kind: 'human',
        displayName: 'Alice',
        reportedBy: acme,
      });
    });

    it('gives a claimant its own claim, and the owner’s record first to a scope holding both', async () => {
      expect(await store.principals.find(tenantScope([mallory]), identity(alice))).toMatchObject({
        displayName: 'Not Alice',
        reportedBy: mallory,
      });
      expect(
        await store.principals.find(tenantScope([mallory, acme]), identity(alice)),
      ).toMatchObject({
        displayName: 'Alice',
        reportedBy: acme,
      });
      expect(await store.principals.find(SYSTEM_SCOPE, identity(alice))).toMatchObject({
        reportedBy: acme,
      });
    });

    it('gives the tenant a hop targets the record that hop names', async () => {
      expect(await store.principals.find(tenantScope([globex]), identity(alice))).toMatchObject({
        displayName: 'Not Alice',
        reportedBy: mallory,
      });
      expect(await store.principals.find(tenantScope([acme]), identity(carol))).toMatchObject({
        displayName: 'Carol?',
        reportedBy: mallory,
      });
    });

    it('never lets another tenant’s claim stand in for a record the scope may not see', async () => {
      expect(await store.principals.find(tenantScope([acme]), identity(bob))).toBeNull();
      expect(await store.principals.find(tenantScope([globex]), identity(carol))).toBeNull();
    });

    it('shows a foreign tenant nothing', async () => {
      for (const p of [alice, carol, bob])
        expect(await store.principals.find(tenantScope([stranger]), identity(p))).toBeNull();
    });
  });

  describe('actions', () => {
    // alice's actions and the hops done on her behalf: four by acme, one by globex calling
    // acme (acme may see it), one by globex calling nobody (acme may not).
    const w = newWorld();
    const [acme, globex, stranger] = ['acme', 'globex', 'stranger'].map(w.tenant);
    const alice = w.principal('alice', 'human');
    const agent = w.principal('agent', 'agent');
    const principal = { tenant: acme, issuer: alice.issuer, subject: alice.id };
    const requestId = w.request('r');
    const hop = (tenant: string, hopId: string, minutes: number, extra: object) =>
      w.acted(
        tenant,
        { requestId, hopId, actor: agent, target: { service: 'crm' }, ...extra },
        minutes,
      );

    beforeAll(() =>
      store.store([
        hop(acme, 'a1', 1, { onBehalfOf: alice }),
        hop(acme, 'a2', 2, { onBehalfOf: alice }),
        hop(acme, 'a3', 3, { actor: alice }),
        hop(globex, 'g1', 4, {
          onBehalfOf: { ...alice, tenant: acme },
          target: { service: 'crm', tenant: acme },
        }),
        hop(globex, 'g2', 5, { onBehalfOf: { ...alice, tenant: acme } }),
        hop(acme, 'other', 6, {}),
      ]),
    );

    const hopIds = async (tenants: string[], query: Partial<ActionQuery>) =>
      (
        await store.principals.actions(tenantScope(tenants), {
          principal,
          role: 'either',
          limit: 50,
          ...query,
        })
      ).map((row) => `${row.tenant === acme ? 'acme' : 'globex'}:${row.hopId}`);

    it('lists what the principal did, or what was done on its behalf, in time order', async () => {
      expect(await hopIds([acme], { role: 'on_behalf_of' })).toEqual([
        'acme:a1',
        'acme:a2',
        'globex:g1',
      ]);
      expect(await hopIds([acme], { role: 'actor' })).toEqual(['acme:a3']);
      expect(await hopIds([acme], { role: 'either' })).toEqual([
        'acme:a1',
        'acme:a2',
        'acme:a3',
        'globex:g1',
      ]);
      expect(await hopIds([globex], {})).toEqual(['globex:g1', 'globex:g2']);
    });

    it('returns each action with its hop, request and time', async () => {
      const [first] = await store.principals.actions(tenantScope([acme]), {
        principal,
        role: 'either',
        limit: 1,
      });
      expect(first).toEqual({
        id: expect.any(String),
        tenant: acme,
        requestId,
        hopId: 'a1',
        occurredAt: new Date(w.at(1)),
      });
    });

    it('filters by time (until excluded) and pages by keyset', async () => {
      expect(await hopIds([acme], { since: new Date(w.at(2)), until: new Date(w.at(4)) })).toEqual([
        'acme:a2',
        'acme:a3',
      ]);
      const page = await store.principals.actions(tenantScope([acme]), {
        principal,
        role: 'either',
        limit: 2,
      });
      expect(page.map((row) => row.hopId)).toEqual(['a1', 'a2']);
      const last = page[1];
      expect(await hopIds([acme], { after: { occurredAt: last.occurredAt, id: last.id } })).toEqual(
        ['acme:a3', 'globex:g1'],
      );
    });

    it('shows a foreign tenant nothing', async () => {
      expect(await hopIds([stranger], {})).toEqual([]);
    });
  });
});
