// Provisions the persistence tier's own database: created for this run, the migrations
// applied, dropped afterwards. No broker: these tests call the repositories directly.
// Test workers inherit the environment set here.
import { randomBytes } from 'node:crypto';
import { createDatabase, migrate } from '../../../tools/infra';

declare global {
  var __PROVENANT_PERSISTENCE_TEST__: { databaseUrl: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const adminUrl =
    process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const url = new URL(adminUrl);
  url.pathname = `/provenant_persistence_${randomBytes(4).toString('hex')}`;
  const databaseUrl = url.toString();
  await createDatabase(databaseUrl);
  await migrate(databaseUrl);
  // Its own variable: the end-to-end tier's set-up, when both run, owns DATABASE_URL.
  process.env.PERSISTENCE_TEST_DATABASE_URL = databaseUrl;
  globalThis.__PROVENANT_PERSISTENCE_TEST__ = { databaseUrl };
  console.log(
    `\n[persistence] database ${url.pathname.slice(1)}, ready in ${Date.now() - started} ms`,
  );
}
