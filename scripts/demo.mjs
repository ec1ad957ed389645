// `npm run demo`: the whole service on this machine, from a clean clone.
// Installs what is missing, starts a Kafka broker (unless KAFKA_BROKERS is set), creates
// and migrates the database (DATABASE_URL or a local `provenant`), starts the ingestor and
// the API, replays the scenarios under test/scenarios through Kafka, prints where to look,
// and runs until Ctrl-C, then stops everything it started.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDevKeys } from './dev-keys.mjs';
import { startKafka } from './kafka.mjs';
import { setup } from './setup.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const say = (line) => process.stderr.write(`[demo] ${line}\n`);
const started = Date.now();
const stack = []; // what to stop, last started first

async function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  stopping = true;
  say('stopping…');
  while (stack.length > 0) {
    const { name, stop } = stack.pop();
    try {
      await stop();
    } catch (error) {
      say(`could not stop ${name}: ${error.message}`);
    }
  }
  say('stopped');
  process.exit(code);
}

function startProcess(name, script, env) {
  const child = spawn(process.execPath, [join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited unexpectedly (${code ?? signal})`);
      void shutdown(1);
    }
  });
  stack.push({
    name,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  });
  return child;
}

async function waitReady(name, url, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = await response.text();
    } catch (error) {
      last = error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} not ready at ${url} after ${timeoutMs} ms: ${last}`);
}

let stopping = false;
let shuttingDown = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void shutdown(0);
  });
}

try {
  setup({ withBuild: true });
  // Only now are the node dependencies there: db.mjs needs `pg`.
  const { createDatabase, DEFAULT_DATABASE_URL, migrate } = await import('./db.mjs');
  const require = createRequire(import.meta.url);

  let brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    const kafka = await startKafka({
      port: 9092,
      dataDir: join(ROOT, '.cache', 'kafka-run', 'demo'),
      log: say,
    });
    stack.push({ name: 'kafka', stop: () => kafka.stop() });
    brokers = kafka.brokers;
  }
  say(`kafka at ${brokers}`);

  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  if (await createDatabase(databaseUrl))
    say(`created database ${new URL(databaseUrl).pathname.slice(1)}`);
  await migrate(databaseUrl, { log: say });

  const port = process.env.PORT || '4000';
  const ingestorPort = process.env.INGESTOR_PORT || '4001';
  const env = {
    KAFKA_BROKERS: brokers,
    DATABASE_URL: databaseUrl,
    PORT: port,
    INGESTOR_PORT: ingestorPort,
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  };
  startProcess('ingestor', 'dist/apps/ingestor/src/main.js', env);
  await waitReady('ingestor', `http://127.0.0.1:${ingestorPort}/readyz`);
  // The API trusts the local development key unless told otherwise; create it if needed.
  if (!process.env.AUTH_JWKS_URL && !process.env.AUTH_JWKS_FILE) ensureDevKeys();
  startProcess('api', 'dist/apps/api/src/main.js', env);
  await waitReady('api', `http://127.0.0.1:${port}/readyz`);

  // Replay the scenarios the way a gateway would: structured CloudEvents keyed by request.
  const { Kafka, logLevel } = require('kafkajs');
  const producer = new Kafka({
    clientId: 'provenant-demo',
    brokers: brokers.split(','),
    logLevel: logLevel.WARN,
  }).producer();
  await producer.connect();
  const dir = join(ROOT, 'test', 'scenarios');
  const scenarios = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      ...JSON.parse(readFileSync(join(dir, file), 'utf8').replaceAll('{run}', 'demo')),
    }));
  const topic = process.env.KAFKA_TOPIC || 'delegation-events';
  for (const scenario of scenarios) {
    await producer.send({
      topic,
      messages: scenario.events.map((event) => ({
        key: scenario.requestId,
        value: JSON.stringify(event),
        headers: { 'content-type': 'application/cloudevents+json' },
      })),
    });
    say(
      `replayed ${scenario.file}: ${scenario.events.length} events for request ${scenario.requestId}`,
    );
  }
  await producer.disconnect();

  const token = spawnSyncText(process.execPath, [
    join(ROOT, 'scripts/token.mjs'),
    '--tenant',
    'acme-demo',
    '--role',
    'investigator',
    '--role',
    'dashboard',
    '--role',
    'siem',
  ]);
  const query =
    '{ provenance(requestId: \\"req-crm-demo\\") { origin { id kind } chain { position principal { id kind } } hops { hopId parentHopId decision } gaps { reason } anomalies { rule severity } complete } }';
  process.stdout.write(`
Provenant is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s).
  GraphQL API     http://127.0.0.1:${port}/graphql
  API health      http://127.0.0.1:${port}/readyz    metrics /metrics
  Ingestor        http://127.0.0.1:${ingestorPort}/readyz    metrics /metrics
  Kafka           ${brokers}  (topic ${topic}, dead letters ${topic}.dlq)

A token for tenant acme-demo (investigator, dashboard, siem), valid one hour:
  export TOKEN=${token}

Who acted on whose behalf in the CRM request:
  curl -s http://127.0.0.1:${port}/graphql -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"query":"${query}"}'

Press Ctrl-C to stop everything.
`);
} catch (error) {
  say(`failed: ${error.message}`);
  await shutdown(1);
}

function spawnSyncText(command, args) {
  const require = createRequire(import.meta.url);
  const { spawnSync } = require('node:child_process');
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${args[0]} failed: ${result.stderr}`);
  return result.stdout.trim();
}
