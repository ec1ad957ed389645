import { CursorLines, type RowsText } from '@app/persistence';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore } from './support/store';

describe('CursorLines', () => {
  const store = openStore({ applicationName: 'persistence-cursor-lines' });
  let client: PoolClient;
  beforeEach(async () => (client = await store.database.pool.connect()));
  afterEach(() => client.release(true));
  afterAll(() => store.close());

  type Row = { n: number };
  const perRow =
    (line: (row: Row) => string) =>
    (rows: Row[]): string =>
      rows.map((row) => `${line(row)}\n`).join('');
  const numbers = (count: number, text: RowsText<Row> = perRow((row) => `n=${row.n}`)) =>
    new CursorLines<Row>(client, 'SELECT g AS n FROM generate_series(1, $1::int) g', [count], text);
  const textOf = async (lines: Readable): Promise<string> => {
    let text = '';
    for await (const chunk of lines) text += String(chunk);
    return text;
  };
  const refusal = () => new Error('refused row 1500');
  const fail = (): never => {
    throw refusal();
  };
  const expected = (count: number) =>
    Array.from({ length: count }, (_, i) => `n=${i + 1}\n`).join('');

  it.each([0, 1, 999, 1000, 2000, 2500])(
    'writes each of %i rows once, in order, one line each, across batches',
    async (count) => {
      expect(await textOf(numbers(count))).toBe(expected(count));
      // The cursor's portal is closed: the connection answers the next query.
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    },
  );

  it('reads no further than its buffer while nobody reads', async () => {
    let written = 0;
    const lines = numbers(
      200_000,
      perRow((row) => {
        written += 1;
        return `${row.n}`.padEnd(100, '.');
      }),
    );
    lines.pause();
    lines.read(0);
    await sleep(500);
    // About a megabyte of text (a batch of 1,000 rows is about 100 kB), never the 200,000 rows.
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThanOrEqual(12_000);
    lines.destroy();
    await once(lines, 'close');
  });

  it('closes its cursor when destroyed midway, leaving the connection usable and out of any transaction', async () => {
    const lines = numbers(500_000);
    const reader = lines[Symbol.asyncIterator]();
    await reader.next();
    lines.destroy();
    await once(lines, 'close');
    const [{ state }] = await store.sql<{ state: string }>(
      'SELECT state FROM pg_stat_activity WHERE pid = $1',
      [(client as unknown as { processID: number }).processID],
    );
    expect(state).toBe('idle');
    expect((await client.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });

  it('writes batches whose text comes later, in order', async () => {
    const later = async (rows: Row[]) => {
      await sleep(rows.length % 7);
      return perRow((row) => `n=${row.n}`)(rows);
    };
    expect(await textOf(numbers(2500, later))).toBe(expected(2500));
  });

  it.each([
    ['at once', perRow((row) => (row.n === 1500 ? fail() : String(row.n)))],
    [
      'later',
      (rows: Row[]) => (rows.some((row) => row.n === 1500) ? Promise.reject(refusal()) : ''),
    ],
  ])('ends with the error of a batch it cannot write (%s)', async (_when, text) => {
    const lines = numbers(3000, text);
    await expect(textOf(lines)).rejects.toThrow('refused row 1500');
    expect(lines.destroyed).toBe(true);
  });
});
