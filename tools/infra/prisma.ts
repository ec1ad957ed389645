// Prisma's tooling without its binary host: generating the client, and computing the SQL
// that prisma/schema.prisma describes (what `prisma migrate diff` would print) with the
// WebAssembly build of the schema engine.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { runSync, stdioFor, type OutputTo } from './processes';
import { ROOT } from './paths';

export const SCHEMA_FILE = join(ROOT, 'prisma', 'schema.prisma');
const GENERATED_CLIENT = join(
  ROOT,
  'libs',
  'persistence',
  'src',
  'generated',
  'prisma',
  'client.ts',
);

/**
 * `prisma generate`. The CLI insists on locating a native schema engine before it starts,
 * though generating the client never uses it: pointing PRISMA_SCHEMA_ENGINE_BINARY at any
 * existing file satisfies that check.
 */
export function generatePrismaClient({ stdio = 'inherit' }: { stdio?: OutputTo } = {}): void {
  runSync(join(ROOT, 'node_modules', '.bin', 'prisma'), ['generate'], {
    stdio: stdioFor(stdio),
    env: {
      ...process.env,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    },
  });
}

const mtime = (path: string) => (existsSync(path) ? statSync(path).mtimeMs : 0);

/** Whether the generated client is missing or older than the schema. */
export const prismaClientIsStale = (): boolean => mtime(GENERATED_CLIENT) < mtime(SCHEMA_FILE);

/**
 * The SQL that builds, from an empty database, what the schema file describes. Needs node's
 * --experimental-wasm-modules: the engine is an ES module that imports its WebAssembly.
 */
export async function schemaSql(schemaPath = SCHEMA_FILE): Promise<string> {
  const content = readFileSync(schemaPath, 'utf8');
  // A real dynamic import (the tools' runner keeps import() as it is): require() cannot
  // load an ES module graph holding WebAssembly.
  const { SchemaEngine } = await import('@prisma/schema-engine-wasm');
  // The diff from an empty schema never opens a connection; the adapter is only required.
  const adapter = new PrismaPg({
    connectionString: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
  });
  const engine = await SchemaEngine.new(
    { datamodels: [['schema.prisma', content]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(adapter),
  );
  const result = await engine.diff({
    from: { tag: 'empty' },
    to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content }] },
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  return result.stdout ?? '';
}
