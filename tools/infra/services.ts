// Provenant's own processes (the built ingestor and API), started for real by the demo,
// the benchmarks and the end-to-end tests: each on its port, waited for until its /readyz
// says ready, its output kept for error messages, stopped with SIGTERM and, after a grace
// period, SIGKILL.
import { ensureDevLedgerKeys } from './dev-keys';
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT, serviceMain, type ServiceName } from './paths';
import { freePort } from './ports';
import { eventually } from './wait';

export interface ServiceOptions {
  name: ServiceName;
  /** Added to this process's environment; the port variable is set from `port`. */
  env?: Record<string, string | undefined>;
  /** The HTTP port (PORT for the API, INGESTOR_PORT for the ingestor); a free one if omitted. */
  port?: number;
  /** Node options for the service process only, before its main file. */
  nodeArgs?: string[];
  /** `pipe` keeps the output for `output()` and error messages; `inherit` shows it. */
  stdio?: 'pipe' | 'inherit';
  /** How much of the latest output `output()` keeps (all by default). */
  keepOutputChars?: number;
  readyTimeoutMs?: number;
  pollMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. */
  graceMs?: number;
  /** Called as soon as the process is spawned, with its `stop`: to stop it while it starts. */
  onSpawn?: (stop: () => Promise<number | string>) => void;
}

export interface Service {
  name: ServiceName;
  child: ChildProcess;
  port: number;
  /** From spawning to ready. */
  startMs: number;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string>;
  isGone: () => boolean;
  output: () => string;
  /** SIGTERM, SIGKILL after the grace period; resolves once it has exited. Runs once. */
  stop: () => Promise<number | string>;
  /** An error for `why`, with the tail of the service's output. */
  fail: (why: string) => Error;
}

/** Starts a built Provenant process and resolves once /readyz answers 200. */
export async function startService(options: ServiceOptions): Promise<Service> {
  const {
    name,
    nodeArgs = [],
    stdio = 'pipe',
    keepOutputChars = Infinity,
    readyTimeoutMs = 60_000,
    pollMs = 200,
    graceMs = 15_000,
  } = options;
  const port = options.port ?? (await freePort());
  const env = { ...process.env, ...options.env };
  // A process left to the development ledger key gets one, as it gets the JWT key.
  if (
    env.NODE_ENV !== 'production' &&
    !Object.keys(env).some((key) => key.startsWith('LEDGER_') && key.includes('_KEY'))
  )
    ensureDevLedgerKeys();
  const spawned = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, serviceMain(name)], {
    cwd: ROOT,
    env: { ...env, [name === 'api' ? 'PORT' : 'INGESTOR_PORT']: String(port) },
    stdio: ['ignore', stdio, stdio],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > keepOutputChars) output = output.slice(-keepOutputChars);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  // After the exit, once its output is read to the end.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const isGone = () => child.exitCode !== null || child.signalCode !== null;
  const fail = (why: string) => new Error(`${why}\n--- ${name} output ---\n${output}`);
  let stopping: Promise<number | string> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (!isGone()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const how = await exited;
      clearTimeout(timer);
      return how;
    })());
  options.onSpawn?.(stop);

  await eventually(
    async () => {
      if (isGone()) return; // it will never be ready: no point waiting out the deadline
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.status !== 200) throw new Error(`not ready: ${await response.text()}`);
    },
    { timeoutMs: readyTimeoutMs, intervalMs: pollMs },
  ).catch((error: Error) => {
    child.kill('SIGKILL');
    throw fail(`${name} not ready on port ${port} after ${readyTimeoutMs} ms: ${error.message}`);
  });
  if (isGone()) {
    await closed;
    throw new Error(`${name} exited early (${await exited}):\n${output}`);
  }
  const startMs = Date.now() - spawned;

  return { name, child, port, startMs, exited, isGone, output: () => output, stop, fail };
}
