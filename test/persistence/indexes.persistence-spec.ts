import { openStore } from './support/store';

/**
 * The lookups the hot paths make (the reader's view, the rules' account of a batch's
 * requests, lineage walks) must find an index led by the column they look up: an index
 * that has the column further in only serves them by reading all of it. (The hops key once
 * led with the tenant, and every lookup by request read every hop.)
 */
describe('indexes behind the hot lookups', () => {
  const store = openStore({ applicationName: 'persistence-indexes' });
  afterAll(() => store.close());

  const lookups: Array<[table: string, column: string]> = [
    ['hops', 'request_id'],
    ['hops', 'token_key'],
    ['token_exchanges', 'request_id'],
    ['token_exchanges', 'issued_token_key'],
    ['tokens', 'key'],
    ['tokens', 'parent_key'],
    ['anomalies', 'request_id'],
  ];

  it.each(lookups)('%s by %s', async (table, column) => {
    const leading = await store.sql<{ index: string }>(
      `SELECT i.indexrelid::regclass::text AS index
         FROM pg_index i
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE i.indrelid = $1::regclass AND a.attname = $2`,
      [table, column],
    );
    expect(leading.length).toBeGreaterThan(0);
  });
});
