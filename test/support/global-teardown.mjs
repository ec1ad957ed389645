import { rmSync } from 'node:fs';
import { dropDatabase } from '../../scripts/db.mjs';

export default async function globalTeardown() {
  const run = globalThis.__PROVENANT_TEST__;
  if (!run) return;
  await run.kafka.stop();
  rmSync(run.dataDir, { recursive: true, force: true });
  if (!process.env.KEEP_TEST_DATABASE) await dropDatabase(run.databaseUrl);
}
