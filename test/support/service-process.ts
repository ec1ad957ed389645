import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { brokers, databaseUrl } from './infra';
import { expectEventually } from './eventually';

const ROOT = join(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export type ServiceName = 'ingestor' | 'api';

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
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [join(ROOT, `dist/apps/${name}/src/main.js`)], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl(),
      KAFKA_BROKERS: brokers().join(','),
      [name === 'api' ? 'PORT' : 'INGESTOR_PORT']: String(port),
      KAFKA_TOPIC_PARTITIONS: '3',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  await expectEventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited early:\n${output}`);
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.status !== 200) throw new Error(`not ready: ${await response.text()}`);
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  ).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}\n--- ${name} output ---\n${output}`);
  });
  return { child, port, output: () => output, exited };
}

export async function stopIngestor(
  ingestor: IngestorProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | string> {
  if (ingestor.child.exitCode === null && ingestor.child.signalCode === null)
    ingestor.child.kill(signal);
  return ingestor.exited;
}
