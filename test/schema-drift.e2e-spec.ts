import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
// Plain ESM shared with the demo; compiled for jest like our own code.
import { BOOTSTRAP, createDatabase, dropDatabase, migrate } from '../tools/infra';
import { databaseUrl, uniqueSuffix } from './support/infra';

const ROOT = join(__dirname, '..');
// What the migrations add on purpose beyond what Prisma can describe.
const MIGRATION_ONLY = [
  'trigger events_append_only',
  'trigger events_no_truncate',
  'function provenant_reject_event_mutation',
  'trigger ledger_entries_append_only',
  'trigger ledger_entries_no_truncate',
  'trigger ledger_leaves_append_only',
  'trigger ledger_leaves_no_truncate',
  'trigger ledger_nodes_append_only',
  'trigger ledger_nodes_no_truncate',
  'function provenant_reject_ledger_mutation',
  'trigger anomaly_suppressions_no_delete',
  'trigger anomaly_suppressions_no_truncate',
  'function provenant_reject_suppression_deletion',
];

/** Everything about a database's structure that a schema describes, as sorted lines. */
async function describeDatabase(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const query = async (sql: string) =>
      (await client.query<{ line: string }>(sql)).rows.map((row) => row.line);
    return [
      ...(await query(`SELECT format('column %s.%s %s %s default=%s', table_name, column_name, data_type || coalesce('(' || udt_name || ')', ''),
                              CASE WHEN is_nullable = 'YES' THEN 'null' ELSE 'not null' END, coalesce(column_default, '-')) AS line
                       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`)),
      ...(await query(
        `SELECT 'index ' || indexdef AS line FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
      )),
      ...(await query(`SELECT format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) AS line
                       FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations'`)),
      ...(await query(`SELECT format('enum %s %s', t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)) AS line
                       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`)),
      ...(await query(
        `SELECT 'trigger ' || tgname AS line FROM pg_trigger WHERE NOT tgisinternal`,
      )),
      ...(await query(
        `SELECT 'function ' || proname AS line FROM pg_proc WHERE pronamespace = 'public'::regnamespace`,
      )),
    ].sort();
  } finally {
    await client.end();
  }
}

function schemaSql(schemaPath?: string): string {
  return execFileSync(
    process.execPath,
    [
      '--experimental-wasm-modules',
      '--no-warnings',
      BOOTSTRAP,
      join(ROOT, 'tools/db.ts'),
      'diff',
      ...(schemaPath ? [schemaPath] : []),
    ],
    { encoding: 'utf8' },
  );
}

async function databaseFrom(sql: string): Promise<string[]> {
  const url = new URL(databaseUrl());
  url.pathname = `/provenant_drift_${uniqueSuffix()}`;
  await createDatabase(url.toString());
  try {
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    await client.query(sql);
    await client.end();
    return await describeDatabase(url.toString());
  } finally {
    await dropDatabase(url.toString());
  }
}

describe('prisma/schema.prisma and prisma/migrations', () => {
  let migrated: string[];

  beforeAll(async () => {
    const url = new URL(databaseUrl());
    url.pathname = `/provenant_drift_${uniqueSuffix()}`;
    await createDatabase(url.toString());
    try {
      await migrate(url.toString());
      migrated = await describeDatabase(url.toString());
    } finally {
      await dropDatabase(url.toString());
    }
  });

  it('describe the same database', async () => {
    const fromSchema = await databaseFrom(schemaSql());
    expect(migrated.filter((line) => !MIGRATION_ONLY.includes(line))).toEqual(fromSchema);
    expect(migrated).toEqual(expect.arrayContaining(MIGRATION_ONLY));
  });

  it('is noticed when the schema changes without a migration', async () => {
    const drifted = join(mkdtempSync(join(tmpdir(), 'drift-')), 'schema.prisma');
    writeFileSync(
      drifted,
      readFileSync(join(ROOT, 'prisma/schema.prisma'), 'utf8').replace(
        '  reason         String?',
        '  reason         String?\n  severity2      Int?',
      ),
    );
    const fromSchema = await databaseFrom(schemaSql(drifted));
    expect(migrated.filter((line) => !MIGRATION_ONLY.includes(line))).not.toEqual(fromSchema);
    expect(fromSchema.some((line) => line.startsWith('column hops.severity2'))).toBe(true);
  });
});
