import { tenantScope } from '@app/graph';
import { anomalyRow, openStore } from './support/store';
import { newWorld, type World } from './support/world';

// Reads for a policy dry run: a scope's requests in a time window, page by page, its open
// anomalies on them, and the rules' account of them, all from one read-only snapshot.
describe('PolicyReplayRepository', () => {
  const store = openStore();
  afterAll(() => store.close());

  /** acme's two requests at minutes 0 and 10, one hop of globex's aimed at acme at 20. */
  async function seeded(w: World) {
    const [acme, globex] = [w.tenant('acme'), w.tenant('globex')];
    const agent = w.principal('agent', 'agent');
    const alice = w.principal('alice', 'human');
    const [early, late, aimed] = [w.request('a'), w.request('b'), w.request('c')];
    await store.store([
      w.exchanged(
        acme,
        {
          requestId: early,
          subject: alice,
          actor: agent,
          subjectToken: w.token('t0'),
          issuedToken: w.token('t1'),
        },
        0,
      ),
      w.acted(acme, { requestId: late, hopId: 'h1', actor: agent, target: { service: 'crm' } }, 10),
      w.acted(
        globex,
        {
          requestId: aimed,
          hopId: 'x',
          actor: w.principal('bot', 'agent'),
          target: { service: 'crm', tenant: acme },
        },
        20,
      ),
    ]);
    return { acme, globex, early, late, aimed };
  }
  const window = (w: World, from: number, to: number) => ({
    since: new Date(w.at(from)),
    until: new Date(w.at(to)),
  });

  it('pages the requests a scope saw in a window, its own then those aimed at it, and nothing for a stranger', async () => {
    const w = newWorld();
    const { acme, early, late, aimed } = await seeded(w);
    const scope = tenantScope([acme]);
    const pages = await store.replay.inSnapshot(5000, async (snapshot) => {
      const first = await store.replay.requestPage(snapshot, scope, window(w, 0, 60), null, 2);
      const rest = await store.replay.requestPage(snapshot, scope, window(w, 0, 60), first.next, 2);
      const windowed = await store.replay.requestPage(snapshot, scope, window(w, 5, 15), null, 10);
      const stranger = await store.replay.requestPage(
        snapshot,
        tenantScope([w.tenant('initech')]),
        window(w, 0, 60),
        null,
        10,
      );
      return { first, rest, windowed, stranger };
    });
    expect(pages).toEqual({
      first: { requestIds: [early, late], next: { phase: 0, afterId: expect.any(String) } },
      rest: { requestIds: [aimed], next: null },
      windowed: { requestIds: [late], next: null },
      stranger: { requestIds: [], next: null },
    });
  });

  it('costs the same few statements per page, however many events the scope has', async () => {
    const w = newWorld();
    const { acme } = await seeded(w);
    const agent = w.principal('agent', 'agent');
    await store.store(
      Array.from({ length: 30 }, (_, i) =>
        w.acted(
          acme,
          {
            requestId: w.request(`bulk-${i}`),
            hopId: 'h',
            actor: agent,
            target: { service: 'crm' },
          },
          1,
        ),
      ),
    );
    const statements = async (limit: number) => {
      const before = store.statements();
      await store.replay.inSnapshot(5000, (snapshot) =>
        store.replay.requestPage(snapshot, tenantScope([acme]), window(w, 0, 60), null, limit),
      );
      return store.statements() - before;
    };
    expect(await statements(25)).toBe(await statements(2));
  });

  it("reads the scope's open anomalies of the given rules, and the rules' full account", async () => {
    const w = newWorld();
    const { acme, globex, early, late } = await seeded(w);
    await store.raise([
      anomalyRow(acme, { dedupeKey: `open-${w.run}`, requestId: early, rule: 'DELEGATION_DEPTH' }),
      anomalyRow(acme, { dedupeKey: `other-${w.run}`, requestId: early, rule: 'SHARED_TOKEN' }),
      anomalyRow(globex, {
        dedupeKey: `theirs-${w.run}`,
        requestId: late,
        rule: 'DELEGATION_DEPTH',
      }),
    ]);
    const read = await store.replay.inSnapshot(5000, async (snapshot) => ({
      mine: await store.replay.openAnomalies(
        snapshot,
        tenantScope([acme]),
        [early, late],
        ['DELEGATION_DEPTH'],
      ),
      stranger: await store.replay.openAnomalies(
        snapshot,
        tenantScope([w.tenant('initech')]),
        [early, late],
        ['DELEGATION_DEPTH', 'SHARED_TOKEN'],
      ),
      graphs: await store.graphs.loadForReplay(snapshot, [early]),
    }));
    if (read === 'timed-out') throw new Error('the snapshot timed out');
    expect(read.mine).toEqual([
      {
        dedupeKey: `open-${w.run}`,
        rule: 'DELEGATION_DEPTH',
        requestId: early,
        summary: `anomaly open-${w.run}`,
      },
    ]);
    expect(read.stranger).toEqual([]);
    expect(read.graphs.get(early)?.exchanges).toHaveLength(1);
  });

  it('answers timed-out when a statement outlives the limit, instead of waiting on', async () => {
    const w = newWorld();
    const scope = tenantScope([w.tenant('acme')]);
    // Another session holds the events table; a replay's statement must not wait for it.
    const holder = await store.database.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const outcome = await store.replay.inSnapshot(200, (snapshot) =>
        store.replay.requestPage(snapshot, scope, window(w, 0, 1), null, 1),
      );
      expect(outcome).toBe('timed-out');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    // Unhindered, the same read answers.
    await expect(
      store.replay.inSnapshot(5000, (snapshot) =>
        store.replay.requestPage(snapshot, scope, window(w, 0, 1), null, 1),
      ),
    ).resolves.toEqual({ requestIds: [], next: null });
  });
});
