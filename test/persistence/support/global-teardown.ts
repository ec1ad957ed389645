import { dropDatabase } from '../../../tools/infra';
import './global-setup';

export default async function globalTeardown(): Promise<void> {
  const run = globalThis.__PROVENANT_PERSISTENCE_TEST__;
  if (run && !process.env.KEEP_TEST_DATABASE) await dropDatabase(run.databaseUrl);
}
