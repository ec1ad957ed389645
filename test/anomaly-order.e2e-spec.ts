import { tenantScope } from '@app/graph';
import { AnomalyRepository, DatabaseService, OutboxRepository } from '@app/persistence';
// Plain ESM shared with the demo; compiled for jest like our own code.
import { createDatabase, dropDatabase, migrate } from '../tools/infra';
import { databaseUrl, uniqueSuffix } from './support/infra';

// Ids and feed positions are bigints read back as text: every order must be numeric, also
// where the number of digits changes (9 → 10), which a fresh database of its own reaches.
describe('anomaly and dead-letter order across a change in digit count', () => {
  const url = new URL(databaseUrl());
  url.pathname = `/provenant_order_${uniqueSuffix()}`;
  let database: DatabaseService;

  beforeAll(async () => {
    await createDatabase(url.toString());
    await migrate(url.toString());
    database = new DatabaseService({ url: url.toString(), poolSize: 2 });
    await database.pool.query(
      `INSERT INTO anomalies (id, rule, severity, tenant, dedupe_key, summary, details, feed_seq)
       SELECT n, 'SHARED_TOKEN', 'HIGH', 'acme', 'k' || n, 's', '{}', n FROM generate_series(5, 16) n`,
    );
    await database.pool.query(
      `INSERT INTO dead_letters (id, topic, partition, "offset", code, reason, headers)
       SELECT n, 't', 0, n, 'INVALID_JSON', 'r', '[]' FROM generate_series(8, 11) n`,
    );
  });

  afterAll(async () => {
    await database?.onApplicationShutdown();
    await dropDatabase(url.toString());
  });

  it('pages anomalies newest first by number', async () => {
    const anomalies = new AnomalyRepository(database);
    const page = await anomalies.list(tenantScope(['acme']), { limit: 5 });
    expect(page.map((a) => a.id)).toEqual(['16', '15', '14', '13', '12']);
  });

  it('replays the feed after a position in feed order', async () => {
    const anomalies = new AnomalyRepository(database);
    const page = await anomalies.feedAfter(tenantScope(['acme']), '7', 4);
    expect(page.map((a) => a.feedSeq)).toEqual(['8', '9', '10', '11']);
    expect(await anomalies.feedHead()).toBe('16');
  });

  it('publishes dead letters oldest first', async () => {
    const published: string[] = [];
    await new OutboxRepository(database).publishDeadLetters(3, (rows) => {
      published.push(...rows.map((row) => row.id));
      return Promise.resolve();
    });
    expect(published).toEqual(['8', '9', '10']);
  });
});
