import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startService as startProvenantService, tail, type ServiceName } from '../../tools/infra';
import { brokers, databaseUrl } from './infra';

export type { ServiceName };

export interface IngestorProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string>;
}

/** Starts the built ingestor as a real process against this run's broker and database. */
export function startIngestor(env: Record<string, string>): Promise<IngestorProcess> {
  return startService('ingestor', env);
}

/** Starts a built Provenant process (ingestor or API) and waits until /readyz says ready. */
export async function startService(
  name: ServiceName,
  env: Record<string, string>,
): Promise<IngestorProcess> {
  const service = await startProvenantService({
    name,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl(),
      KAFKA_BROKERS: brokers().join(','),
      KAFKA_TOPIC_PARTITIONS: '3',
      ...env,
    },
  });
  const pidDir = process.env.PROVENANT_TEST_PIDS;
  if (pidDir && service.child.pid) writeFileSync(join(pidDir, String(service.child.pid)), name);
  return {
    child: service.child,
    port: service.port,
    output: service.output,
    exited: service.exited,
  };
}

/**
 * Sends `signal` (SIGTERM: a graceful stop) and resolves with how the process exited. A
 * process still there after `graceMs` is killed, and the stop fails with its output: a
 * service that does not stop is a bug, and must not hang the run.
 */
export async function stopIngestor(
  ingestor: IngestorProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 30_000,
): Promise<number | string> {
  if (ingestor.child.exitCode === null && ingestor.child.signalCode === null)
    ingestor.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>(
    (resolve) => (timer = setTimeout(() => resolve('late'), graceMs)),
  );
  const how = await Promise.race([ingestor.exited, late]);
  clearTimeout(timer);
  if (how !== 'late') return how;
  ingestor.child.kill('SIGKILL');
  await ingestor.exited;
  throw new Error(
    `pid ${ingestor.child.pid} did not exit ${graceMs} ms after ${signal}; killed.\n--- output ---\n${tail(ingestor.output(), 60)}`,
  );
}

/**
 * Stops every process given at once (SIGTERM), then fails unless each closed gracefully
 * (Nest re-raises SIGTERM after a graceful close; anything else is a crash or a hang).
 */
export async function stopGracefully(...services: (IngestorProcess | undefined)[]): Promise<void> {
  const stops = await Promise.allSettled(
    services.filter((service) => service !== undefined).map((service) => stopIngestor(service)),
  );
  for (const stop of stops) {
    if (stop.status === 'rejected') throw stop.reason;
    expect([0, 'SIGTERM']).toContain(stop.value);
  }
}
