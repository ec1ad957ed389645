import { tenantScope } from '@app/graph';
import type { NewSuppression, StoredSuppression } from '@app/persistence';
import { anomalyRow, openStore } from './support/store';
import { newWorld } from './support/world';

describe('SuppressionRepository and triage', () => {
  const store = openStore();
  afterAll(() => store.close());

  const conditions = (tenant: string, overrides: Partial<NewSuppression> = {}): NewSuppression => ({
    tenant,
    targetTenant: null,
    rule: 'SHARED_TOKEN',
    principalId: null,
    principalIssuer: null,
    issuer: null,
    targetService: null,
    reason: 'known',
    expiresAt: null,
    createdBy: 'admin-1',
    ...overrides,
  });
  const create = (scope: string[], input: NewSuppression) =>
    store.database.transaction((tx) => store.suppressions.create(tx, tenantScope(scope), input));
  const history = (id: string) =>
    store.sql<{
      version: number;
      change: string;
      actor: string | null;
      suppression_id: string | null;
    }>(
      `SELECT version, change, actor, suppression_id::text FROM anomaly_changes
       WHERE anomaly_id = $1::bigint ORDER BY version`,
      [id],
    );

  it('creates only within the tenants of the scope, and shows each scope its own', async () => {
    const w = newWorld();
    const [acme, globex] = ['acme', 'globex'].map(w.tenant);
    expect(await create([acme], conditions(globex))).toBeNull();
    expect(await create([acme], conditions(acme, { targetTenant: globex }))).toBeNull();
    const own = (await create([acme], conditions(acme)))!;
    const pair = (await create([acme, globex], conditions(acme, { targetTenant: globex })))!;
    expect(own).toMatchObject({ tenant: acme, createdBy: 'admin-1', revokedAt: null });

    const listed = (scope: string[]) =>
      store.suppressions
        .list(tenantScope(scope), { includeInactive: true, limit: 10 })
        .then((rows) => rows.map((row) => row.id));
    expect(await listed([acme])).toEqual([own.id]);
    expect(await listed([globex])).toEqual([]);
    expect(await listed([acme, globex])).toEqual([pair.id, own.id]);
    expect(await store.suppressions.revoke(tenantScope([globex]), own.id, 'intruder')).toBeNull();
  });

  it('keeps the first revocation, stops applying revoked or expired ones, and is never deleted', async () => {
    const w = newWorld();
    const acme = w.tenant('acme');
    const revoked = (await create([acme], conditions(acme)))!;
    await create([acme], conditions(acme, { expiresAt: new Date(Date.now() - 1) }));
    const active = (await create([acme], conditions(acme)))!;
    const first = await store.suppressions.revoke(tenantScope([acme]), revoked.id, 'admin-1');
    const second = await store.suppressions.revoke(tenantScope([acme]), revoked.id, 'admin-2');
    expect(second).toMatchObject({ revokedBy: 'admin-1', revokedAt: first!.revokedAt });

    const inForce = await store.database.transaction((tx) =>
      store.suppressions.activeFor(tx, [acme]),
    );
    expect(inForce.map((row: StoredSuppression) => row.id)).toEqual([active.id]);
    await expect(
      store.sql('DELETE FROM anomaly_suppressions WHERE id = $1::bigint', [active.id]),
    ).rejects.toThrow(/revoke instead/);
  });

  it('stores what a suppression silences at detection, and at a reopening, in the history too', async () => {
    const w = newWorld();
    const acme = w.tenant('acme');
    const suppression = (await create([acme], conditions(acme)))!;
    const request = w.request('1');
    const silenced = anomalyRow(acme, { dedupeKey: `1|${w.run}`, requestId: request });
    const [detected] = await store.raise([{ ...silenced, suppressedBy: suppression.id }]);
    expect(detected).toMatchObject({ suppressedBy: suppression.id, version: 1 });
    expect(await history(detected.id)).toEqual([
      { version: 1, change: 'DETECTED', actor: null, suppression_id: suppression.id },
    ]);

    const loud = anomalyRow(acme, { dedupeKey: `2|${w.run}`, requestId: request });
    const [raised] = await store.raise([loud]);
    await store.judge([{ ...silenced, suppressedBy: suppression.id }], [request], [loud.rule]);
    const [reopened] = await store.judge(
      [
        { ...silenced, suppressedBy: suppression.id },
        { ...loud, suppressedBy: suppression.id },
      ],
      [request],
      [loud.rule],
    );
    expect(reopened).toMatchObject({
      id: raised.id,
      verdict: 'OPEN',
      suppressedBy: suppression.id,
    });
    expect((await history(raised.id)).map((entry) => [entry.change, entry.suppression_id])).toEqual(
      [
        ['DETECTED', null],
        ['WITHDRAWN', null],
        ['REOPENED', suppression.id],
      ],
    );
  });

  it('triages only what the scope sees, once per state, with who and why', async () => {
    const w = newWorld();
    const [acme, globex] = ['acme', 'globex'].map(w.tenant);
    const [anomaly] = await store.raise([anomalyRow(acme, { dedupeKey: `1|${w.run}` })]);
    const change = {
      anomalyId: anomaly.id,
      triage: 'RESOLVED' as const,
      actor: 'ana',
      note: 'fixed',
    };
    expect(await store.anomalies.triage(tenantScope([globex]), change)).toBeNull();
    const triaged = await store.anomalies.triage(tenantScope([acme]), change);
    expect(triaged).toMatchObject({ triage: 'RESOLVED', version: 2, feedSeq: null });
    expect(await store.anomalies.triage(tenantScope([acme]), change)).toBeNull();
    const entries = await store.anomalies.history(tenantScope([acme]), [anomaly.id]);
    expect(
      entries.get(anomaly.id)?.map((entry) => [entry.change, entry.actor, entry.reason]),
    ).toEqual([
      ['DETECTED', null, null],
      ['RESOLVED', 'ana', 'fixed'],
    ]);
    expect((await store.anomalies.history(tenantScope([globex]), [anomaly.id])).size).toBe(0);
  });

  it("shows who triaged and why to the analyst's own tenants only", async () => {
    const w = newWorld();
    const [attacker, victim] = ['attacker', 'victim'].map(w.tenant);
    const [anomaly] = await store.raise([
      anomalyRow(attacker, { dedupeKey: `1|${w.run}`, targetTenant: victim }),
    ]);
    await store.anomalies.triage(tenantScope([victim, w.tenant('other')]), {
      anomalyId: anomaly.id,
      triage: 'ACKNOWLEDGED',
      actor: 'victim-analyst',
      note: 'we suspect the attacker tenant',
    });
    const seen = async (tenant: string) =>
      (await store.anomalies.history(tenantScope([tenant]), [anomaly.id]))
        .get(anomaly.id)
        ?.map((entry) => [entry.change, entry.actor, entry.reason]);
    expect(await seen(victim)).toEqual([
      ['DETECTED', null, null],
      ['ACKNOWLEDGED', 'victim-analyst', 'we suspect the attacker tenant'],
    ]);
    expect(await seen(attacker)).toEqual([
      ['DETECTED', null, null],
      ['ACKNOWLEDGED', null, null],
    ]);
  });
});
