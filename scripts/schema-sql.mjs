// Prints the SQL that builds, from an empty database, what prisma/schema.prisma describes.
// Prisma's CLI needs a native schema engine to do this; its WebAssembly build does the same
// offline. Used to write new migrations and by the test that checks they match the schema.
// Run with `npm run -s db:diff [-- path/to/schema.prisma]` (node needs --experimental-wasm-modules).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SchemaEngine } from '@prisma/schema-engine-wasm';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPg } from '@prisma/adapter-pg';

const schemaPath =
  process.argv[2] ?? fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));
const content = readFileSync(schemaPath, 'utf8');
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
process.stdout.write(result.stdout ?? '');
