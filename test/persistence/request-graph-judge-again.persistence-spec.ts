import { openStore } from './support/store';
import { newWorld, tokenRecord } from './support/world';

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
