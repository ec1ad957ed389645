import { readdirSync, rmSync } from 'node:fs';
import { dropDatabase, isAlive, signal } from '../../tools/infra';
import './global-setup';

/** Kills any service process a test started and did not stop, so that jest can exit. */
function killLeftovers(pidDir: string | undefined): void {
  if (!pidDir) return;
  for (const name of readdirSync(pidDir)) {
    const pid = Number(name);
    if (!isAlive(pid)) continue;
    console.warn(`[e2e] service process ${pid} was still running after the tests: killed`);
    signal(pid, 'SIGKILL');
  }
}

export default async function globalTeardown(): Promise<void> {
  const run = globalThis.__PROVENANT_TEST__;
  if (!run) return;
  killLeftovers(process.env.PROVENANT_TEST_PIDS);
  await run.kafka.stop();
  rmSync(run.dataDir, { recursive: true, force: true });
  if (!process.env.KEEP_TEST_DATABASE) await dropDatabase(run.databaseUrl);
}
