// Database provisioning without Prisma's native engine: create a database, apply the SQL
// migrations under prisma/migrations in order, and keep Prisma's `_prisma_migrations`
// bookkeeping so that `prisma migrate deploy` agrees wherever the engine exists.
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ROOT } from './paths';

export const MIGRATIONS_DIR = join(ROOT, 'prisma', 'migrations');
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/provenant';
// Prisma's own lock key for migrations, so both runners exclude each other.
const MIGRATION_LOCK = 72707369;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

function splitUrl(databaseUrl: string): { name: string; adminUrl: string } {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new Error(`DATABASE_URL: database name "${name}" must be letters, digits, _ or -`);
  }
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  return { name, adminUrl: admin.toString() };
}

async function withClient<T>(
  connectionString: string,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the database `databaseUrl` names; false when it already exists. */
export function createDatabase(databaseUrl: string): Promise<boolean> {
  const { name, adminUrl } = splitUrl(databaseUrl);
  return withClient(adminUrl, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if ((found.rowCount ?? 0) > 0) return false;
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  });
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const { name, adminUrl } = splitUrl(databaseUrl);
  await withClient(adminUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  );
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((entry) => statSync(join(dir, entry)).isDirectory())
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

interface AppliedMigration {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

/** Applies pending migrations; returns the names applied. Fails on an edited or half-applied one. */
export function migrate(
  databaseUrl: string,
  { log = () => {} }: { log?: (line: string) => void } = {},
): Promise<string[]> {
  return withClient(databaseUrl, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id" VARCHAR(36) PRIMARY KEY NOT NULL,
        "checksum" VARCHAR(64) NOT NULL,
        "finished_at" TIMESTAMPTZ,
        "migration_name" VARCHAR(255) NOT NULL,
        "logs" TEXT,
        "rolled_back_at" TIMESTAMPTZ,
        "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
        "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
      const { rows } = await client.query<AppliedMigration>(
        'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
      );
      const applied = new Map(rows.map((row) => [row.migration_name, row]));
      const done: string[] = [];
      for (const migration of listMigrations()) {
        const previous = applied.get(migration.name);
        if (previous) {
          if (!previous.finished_at) {
            throw new Error(
              `migration ${migration.name} started but never finished: resolve it by hand`,
            );
          }
          if (previous.checksum !== migration.checksum) {
            throw new Error(`migration ${migration.name} was edited after it was applied`);
          }
          continue;
        }
        const id = randomUUID();
        await client.query('BEGIN');
        try {
          await client.query(
            'INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, $2, $3)',
            [id, migration.checksum, migration.name],
          );
          await client.query(migration.sql);
          await client.query(
            'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
            [id],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`);
        }
        log(`applied migration ${migration.name}`);
        done.push(migration.name);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}
