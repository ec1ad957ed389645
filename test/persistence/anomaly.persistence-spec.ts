import { scopeSees, SYSTEM_SCOPE, tenantScope } from '@app/graph';
import { type AnomalyRepository, type StoredAnomaly } from '@app/persistence';
import { anomalyRow, openStore } from './support/store';
import { newWorld } from './support/world';

describe('AnomalyRepository', () => {
  const store = openStore();
  afterAll(() => store.close());

  // Four anomalies: three raised in acme (one against globex), one raised in globex.
  const w = newWorld();
  const [acme, globex, stranger] = ['acme', 'globex', 'stranger'].map(w.tenant);
  const [r1, r2] = [w.request('1'), w.request('2')];
  const started = new Date(Date.now() - 1000);
  let a1: StoredAnomaly, a2: StoredAnomaly, a3: StoredAnomaly, a4: StoredAnomaly;

  beforeAll(async () => {
    [a1, a2, a3, a4] = await store.raise([
      anomalyRow(acme, {
        dedupeKey: `1|${w.run}`,
        requestId: r1,
        rule: 'SHARED_TOKEN',
        severity: 'HIGH',
      }),
      anomalyRow(acme, {
        dedupeKey: `2|${w.run}`,
        requestId: r1,
        rule: 'CROSS_TENANT_DELEGATION',
        severity: 'CRITICAL',
        targetTenant: globex,
      }),
      anomalyRow(acme, {
        dedupeKey: `3|${w.run}`,
        requestId: r2,
        rule: 'DELEGATION_DEPTH',
        severity: 'LOW',
      }),
      anomalyRow(globex, {
        dedupeKey: `4|${w.run}`,
        requestId: r2,
        rule: 'SHARED_TOKEN',
        severity: 'MEDIUM',
      }),
    ]);
  });

  const ids = (anomalies: StoredAnomaly[]) => anomalies.map((a) => a.id);

  describe('list', () => {
    const list = (
      tenants: string[],
      query: Partial<Parameters<AnomalyRepository['list']>[1]> = {},
    ) => store.anomalies.list(tenantScope(tenants), { limit: 50, ...query }).then(ids);

    it('lists, newest first, the anomalies raised in the scope’s tenants or against them', async () => {
      expect(await list([acme])).toEqual(ids([a3, a2, a1]));
      expect(await list([globex])).toEqual(ids([a4, a2]));
      expect(await list([acme, globex])).toEqual(ids([a4, a3, a2, a1]));
    });

    it('returns each anomaly as stored', async () => {
      const [found] = await store.anomalies.list(tenantScope([globex]), {
        limit: 1,
        beforeId: a4.id,
      });
      expect(found).toEqual(a2);
    });

    it('filters by rule, minimum severity, request and detection time', async () => {
      expect(await list([acme, globex], { rules: ['SHARED_TOKEN'] })).toEqual(ids([a4, a1]));
      expect(await list([acme, globex], { minSeverity: 'HIGH' })).toEqual(ids([a2, a1]));
      expect(await list([acme, globex], { requestId: r2 })).toEqual(ids([a4, a3]));
      expect(await list([acme], { since: started, until: new Date(Date.now() + 60_000) })).toEqual(
        ids([a3, a2, a1]),
      );
      expect(await list([acme], { until: started })).toEqual([]);
    });

    it('pages newest first by id', async () => {
      expect(await list([acme], { limit: 2 })).toEqual(ids([a3, a2]));
      expect(await list([acme], { limit: 2, beforeId: a2.id })).toEqual(ids([a1]));
    });

    it('shows a foreign tenant nothing', async () => {
      expect(await list([stranger])).toEqual([]);
      expect(await list([stranger], { requestId: r1 })).toEqual([]);
    });

    it('shows the system every tenant’s', async () => {
      expect(ids(await store.anomalies.list(SYSTEM_SCOPE, { requestId: r1, limit: 10 }))).toEqual(
        ids([a2, a1]),
      );
    });
  });

  describe('forRequests', () => {
    const grouped = async (tenants: string[]) =>
      Object.fromEntries(
        [...(await store.anomalies.forRequests(tenantScope(tenants), [r1, r2, 'unknown']))].map(
          ([requestId, found]) => [requestId, ids(found)],
        ),
      );

    it('groups by request, in the order raised, what the scope may see', async () => {
      expect(await grouped([acme])).toEqual({ [r1]: ids([a1, a2]), [r2]: ids([a3]) });
      expect(await grouped([globex])).toEqual({ [r1]: ids([a2]), [r2]: ids([a4]) });
    });

    it('shows a foreign tenant nothing', async () => {
      expect(await grouped([stranger])).toEqual({});
    });
  });

  describe("scopeSees (the live feed's filter) agrees with the listing", () => {
    it('lets a scope see what was raised in or against one of its tenants', () => {
      expect(scopeSees(tenantScope([acme]), a1)).toBe(true);
      expect(scopeSees(tenantScope([globex]), a2)).toBe(true);
      expect(scopeSees(tenantScope([globex]), a1)).toBe(false);
      expect(scopeSees(tenantScope([stranger]), a2)).toBe(false);
      expect(scopeSees(SYSTEM_SCOPE, a4)).toBe(true);
    });
  });
});
