import { openStore } from './support/store';
import { newWorld, tokenKeyOf, tokenRecord } from './support/world';

// RequestGraphRepository.requestsPresenting: the requests to judge again once a token is
// shared (presented by a second actor), in the reporter's own records only.
describe('RequestGraphRepository.requestsPresenting', () => {
  const store = openStore();
  afterAll(() => store.close());

  it("finds every request in which the reporter presented the token, and not another tenant's", async () => {
    const w = newWorld();
    const [acme, globex] = [w.tenant('acme'), w.tenant('globex')];
    const token = w.token('shared');
    const hop = (tenant: string, name: string, actor: string) =>
      w.acted(tenant, {
        requestId: w.request(name),
        hopId: 'h',
        actor: w.principal(actor, 'agent'),
        target: { service: 'tickets' },
        token,
      });
    await store.store([
      hop(acme, 'one', 'desk'),
      hop(acme, 'two', 'scraper'),
      hop(globex, 'three', 'crawler'),
      w.acted(acme, {
        requestId: w.request('other'),
        hopId: 'h',
        actor: w.principal('desk', 'agent'),
        target: { service: 'tickets' },
        token: w.token('own'),
      }),
    ]);
    const found = await store.database.transaction((tx) =>
      store.graphs.requestsPresenting(tx, [tokenRecord(acme, token)]),
    );
    expect(found.sort()).toEqual([w.request('one'), w.request('two')].sort());
    expect(
      await store.database.transaction((tx) => store.graphs.requestsPresenting(tx, [])),
    ).toEqual([]);
  });
});

// RequestGraphRepository.requestsUsingIssued: the requests to judge again when an exchange
// reported late gives lineage to a token already used elsewhere.
describe('RequestGraphRepository.requestsUsingIssued', () => {
  const store = openStore();
  afterAll(() => store.close());

  it("finds the other requests that used the issued token or one derived from it, in the reporter's records", async () => {
    const w = newWorld();
    const [acme, globex] = [w.tenant('acme'), w.tenant('globex')];
    const [user, agentToken, toolToken] = [w.token('user'), w.token('agent'), w.token('tool')];
    const [alice, agent, tool] = [
      w.principal('alice', 'human'),
      w.principal('agent', 'agent'),
      w.principal('tool', 'tool'),
    ];
    const used = (tenant: string, name: string, token: typeof user) =>
      w.acted(tenant, {
        requestId: w.request(name),
        hopId: 'h',
        actor: tool,
        target: { service: 'files' },
        token,
      });
    await store.store([
      w.exchanged(acme, {
        requestId: w.request('signin'),
        subject: alice,
        actor: agent,
        subjectToken: user,
        issuedToken: agentToken,
      }),
      w.exchanged(acme, {
        requestId: w.request('later'),
        subject: alice,
        actor: tool,
        subjectToken: agentToken,
        issuedToken: toolToken,
      }),
      used(acme, 'direct', agentToken),
      used(acme, 'later', toolToken),
      used(globex, 'foreign', agentToken),
    ]);
    const found = await store.database.transaction((tx) =>
      store.graphs.requestsUsingIssued(
        tx,
        [{ tenant: acme, key: tokenKeyOf(agentToken) }],
        [w.request('signin')],
      ),
    );
    expect(found.sort()).toEqual([w.request('direct'), w.request('later')].sort());
    const except = await store.database.transaction((tx) =>
      store.graphs.requestsUsingIssued(
        tx,
        [{ tenant: acme, key: tokenKeyOf(agentToken) }],
        [w.request('direct'), w.request('later')],
      ),
    );
    expect(except).toEqual([]);
  });
});
