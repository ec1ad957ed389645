import { openStore, storedRows } from './support/store';
import { newWorld, tokenKeyOf } from './support/world';

// A gateway naming another tenant's principal, token or hop writes its own record of it (its
// claim), never the other tenant's; a tenant's later events only complete its own records.
describe('EventStoreRepository.storeBatch: an event writes only its own tenant’s records', () => {
  const store = openStore();
  afterAll(() => store.close());
  const { hops, token, principals } = storedRows(store);

  it('keeps the owner’s name for its principal, whichever tenant named it first', async () => {
    const w = newWorld();
    const [acme, mallory] = [w.tenant('acme'), w.tenant('mallory')];
    const alice = w.principal('alice', 'human', { displayName: 'Alice' });
    const aliceAsClaimed = { ...alice, tenant: acme, displayName: 'Mallory’s Alice' };
    const agent = w.principal('agent', 'agent');
    const target = { service: 'crm' };

    await store.store([
      w.acted(mallory, {
        requestId: w.request('m'),
        hopId: 'h',
        actor: agent,
        onBehalfOf: aliceAsClaimed,
        target,
      }),
    ]);
    await store.store([
      w.acted(acme, {
        requestId: w.request('a'),
        hopId: 'h',
        actor: agent,
        onBehalfOf: alice,
        target,
      }),
    ]);
    await store.store([
      w.acted(mallory, {
        requestId: w.request('m2'),
        hopId: 'h',
        actor: agent,
        onBehalfOf: { ...aliceAsClaimed, displayName: 'Renamed' },
        target,
      }),
    ]);

    expect((await principals(acme)).find((p) => p.subject === alice.id)).toEqual({
      tenant: acme,
      subject: alice.id,
      kind: 'human',
      display_name: 'Alice',
    });
    // The claim is the claimant's own record of acme's principal.
    expect((await principals(mallory)).find((p) => p.subject === alice.id)).toEqual({
      tenant: acme,
      subject: alice.id,
      kind: 'human',
      display_name: 'Mallory’s Alice',
    });
  });

  it('never re-parents, re-scopes or revokes another tenant’s token record', async () => {
    const w = newWorld();
    const [acme, mallory] = [w.tenant('acme'), w.tenant('mallory')];
    const expiresAt = w.at(60);
    const t0 = w.token('t0');
    const t1 = w.token('t1', { scopes: ['crm.read'], expiresAt });
    const agent = w.principal('agent', 'agent');
    await store.store([
      w.exchanged(acme, {
        requestId: w.request('a'),
        subject: w.principal('alice', 'human'),
        actor: agent,
        subjectToken: t0,
        issuedToken: t1,
      }),
    ]);

    const forged = w.token('forged');
    const claimed = { ...t1, tenant: acme, scopes: ['crm.admin'], expiresAt: w.at(9999) };
    await store.store([
      w.exchanged(
        mallory,
        {
          requestId: w.request('m'),
          subject: w.principal('eve', 'human'),
          actor: agent,
          subjectToken: forged,
          issuedToken: claimed,
        },
        1,
      ),
      w.revoked(mallory, { ...t1, tenant: acme }, 2, 'mallory says so'),
    ]);

    expect(await token(acme, tokenKeyOf(t1))).toEqual({
      tenant: acme,
      scopes: ['crm.read'],
      expires_at: new Date(expiresAt),
      parent_key: tokenKeyOf(t0),
      revoked_at: null,
      revoke_reason: null,
    });
    expect(await token(mallory, tokenKeyOf(t1))).toEqual({
      tenant: acme,
      scopes: ['crm.admin'],
      expires_at: new Date(w.at(9999)),
      parent_key: tokenKeyOf(forged),
      revoked_at: new Date(w.at(2)),
      revoke_reason: 'mallory says so',
    });
  });

  it('keeps the owner’s hop whose (requestId, hopId) another tenant sent first', async () => {
    const w = newWorld();
    const [acme, mallory] = [w.tenant('acme'), w.tenant('mallory')];
    const requestId = w.request('shared');
    const target = { service: 'crm' };
    const forged = w.acted(mallory, {
      requestId,
      hopId: 'h1',
      actor: w.principal('eve', 'agent'),
      target,
    });
    const own = w.acted(
      acme,
      { requestId, hopId: 'h1', actor: w.principal('agent', 'agent'), target },
      1,
    );
    const ownAgain = w.acted(
      acme,
      { requestId, hopId: 'h1', actor: w.principal('other', 'agent'), target },
      2,
    );

    await store.store([forged]);
    await store.store([own]);
    // A second event of the same tenant claiming the same hop is kept in the ledger only.
    expect(await store.store([ownAgain])).toMatchObject({ stored: [ownAgain] });

    expect(await hops(requestId)).toEqual([
      {
        tenant: acme,
        hop_id: 'h1',
        actor: `agent-${w.run}`,
        reporter: acme,
        event: own.event.ceId,
      },
      {
        tenant: mallory,
        hop_id: 'h1',
        actor: `eve-${w.run}`,
        reporter: mallory,
        event: forged.event.ceId,
      },
    ]);
  });

  it('keeps the earliest of a tenant’s reports of one hop, whichever arrives first (found by the convergence property)', async () => {
    const w = newWorld();
    const acme = w.tenant('acme');
    const requestId = w.request('twice');
    const target = { service: 'crm' };
    const report = (actor: string, minutes: number, parentHopId?: string) =>
      w.acted(
        acme,
        { requestId, hopId: 'h2', parentHopId, actor: w.principal(actor, 'agent'), target },
        minutes,
      );
    const later = report('later', 2, 'h1');
    const earlier = report('earlier', 1, 'h0');

    await store.store([later]);
    await store.store([earlier]);
    await store.store([report('latest', 3)]);

    expect(await hops(requestId)).toEqual([
      {
        tenant: acme,
        hop_id: 'h2',
        actor: `earlier-${w.run}`,
        reporter: acme,
        event: earlier.event.ceId,
      },
    ]);
    // The standing report's parent is the one waited for, from the standing report's arrival.
    const waits = await store.sql<{ parent_hop_id: string; restamped: boolean }>(
      `SELECT w.parent_hop_id, w.arrived_at = e.received_at AS restamped
       FROM hop_parent_waits w JOIN events e ON e.source = $2 AND e.ce_id = $3
       WHERE w.request_id = $1`,
      [requestId, earlier.event.source, earlier.event.ceId],
    );
    expect(waits).toEqual([{ parent_hop_id: 'h0', restamped: true }]);
  });

  it('files a lifecycle change under the reporter’s own record of the principal', async () => {
    const w = newWorld();
    const [acme, mallory] = [w.tenant('acme'), w.tenant('mallory')];
    const alice = w.principal('alice', 'human');
    await store.store([w.changed(acme, alice, 'role_changed')]);
    await store.store([w.changed(mallory, { ...alice, tenant: acme }, 'offboarded', 1)]);

    const changes = await store.sql<{ change: string; tenant: string; reporter: string }>(
      `SELECT c.change, c.tenant, p.reporter FROM principal_changes c JOIN principals p ON p.id = c.principal_id
         WHERE p.tenant = $1 AND p.subject = $2 ORDER BY c.id`,
      [acme, alice.id],
    );
    expect(changes).toEqual([
      { change: 'role_changed', tenant: acme, reporter: acme },
      { change: 'offboarded', tenant: mallory, reporter: mallory },
    ]);
  });

  it('lets the same tenant only complete its record: missing fields filled, the earliest revocation kept', async () => {
    const w = newWorld();
    const acme = w.tenant('acme');
    const agent = w.principal('agent', 'agent');
    const t1 = w.token('t1');
    const target = { service: 'crm' };
    await store.store([
      w.acted(acme, {
        requestId: w.request('a'),
        hopId: 'h1',
        actor: agent,
        target,
        token: t1,
      }),
    ]);
    await store.store([
      w.acted(
        acme,
        {
          requestId: w.request('b'),
          hopId: 'h1',
          actor: agent,
          target,
          token: { ...t1, scopes: ['crm.read'] },
        },
        1,
      ),
      w.revoked(acme, t1, 30, 'leaked'),
    ]);
    await store.store([
      w.acted(
        acme,
        {
          requestId: w.request('c'),
          hopId: 'h1',
          actor: agent,
          target,
          token: { ...t1, scopes: ['crm.admin'] },
        },
        2,
      ),
      w.revoked(acme, t1, 10, 'earlier report'),
      w.revoked(acme, t1, 50, 'later report'),
    ]);
    await store.store([w.revoked(acme, t1, 70, 'latest report')]);

    expect(await token(acme, tokenKeyOf(t1))).toMatchObject({
      scopes: ['crm.read'],
      revoked_at: new Date(w.at(10)),
      revoke_reason: 'leaked',
    });
  });
});
