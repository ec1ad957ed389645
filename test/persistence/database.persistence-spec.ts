import { classifyStorageFailure } from '@app/persistence';
import { openStore } from './support/store';
import { newWorld } from './support/world';

describe('DatabaseService.transaction', () => {
  const applicationName = `persistence-tx-${newWorld().run}`;
  const store = openStore({ applicationName });
  afterAll(() => store.close());

  const letter = (topic: string, offset: number) => ({
    topic,
    partition: 0,
    offset: String(offset),
    code: 'INVALID_JSON',
    reason: 'r',
    key: null,
    value: null,
    headers: [],
  });
  const recorded = (topic: string) =>
    store
      .sql<{ offset: string }>(
        'SELECT "offset"::text FROM dead_letters WHERE topic = $1 ORDER BY "offset"',
        [topic],
      )
      .then((rows) => rows.map((row) => row.offset));

  it('commits what every repository wrote with the handle, and returns the work’s result', async () => {
    const w = newWorld();
    const result = await store.database.transaction(async (tx) => {
      await store.events.storeBatch(tx, { graphs: [], deadLetters: [letter(w.topic, 1)] });
      await store.events.storeBatch(tx, { graphs: [], deadLetters: [letter(w.topic, 2)] });
      return 'done';
    });
    expect(result).toBe('done');
    expect(await recorded(w.topic)).toEqual(['1', '2']);
  });

  it('rolls everything back when the work fails, and rethrows its error', async () => {
    const w = newWorld();
    const failure = new Error('rules failed');
    await expect(
      store.database.transaction(async (tx) => {
        await store.events.storeBatch(tx, { graphs: [], deadLetters: [letter(w.topic, 1)] });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await recorded(w.topic)).toEqual([]);
  });

  it('fails as a transient error when the server drops the connection, and the pool recovers', async () => {
    const w = newWorld();
    const error = await store.database
      .transaction(async (tx) => {
        await store.events.storeBatch(tx, { graphs: [], deadLetters: [letter(w.topic, 1)] });
        await store.sql(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE application_name = $1 AND state = 'idle in transaction'`,
          [applicationName],
        );
        await store.events.storeBatch(tx, { graphs: [], deadLetters: [letter(w.topic, 2)] });
      })
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );

    expect(error).toBeDefined();
    expect(classifyStorageFailure(error).kind).toBe('transient');
    expect(await recorded(w.topic)).toEqual([]);
    await store.database.ping();
    await store.database.transaction((tx) =>
      store.events.storeBatch(tx, { graphs: [], deadLetters: [letter(w.topic, 3)] }),
    );
    expect(await recorded(w.topic)).toEqual(['3']);
  });
});
