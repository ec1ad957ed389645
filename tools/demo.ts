// `npm run demo`: the whole service on this machine, from a clean clone. Starts a Kafka
// broker (unless KAFKA_BROKERS is set), creates and migrates the database (DATABASE_URL or a
// local `provenant`), starts the ingestor and the API, replays the scenarios under
// test/scenarios through Kafka, prints where to look, and runs until Ctrl-C, then stops
// everything it started. (The node dependencies were installed by the bootstrap.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import {
  createDatabase,
  DEFAULT_DATABASE_URL,
  ensureDevKeys,
  migrate,
  prepareCheckout,
  ROOT,
  scenarioPolicyEnv,
  signDevToken,
  startKafka,
  startService,
  stderrLine,
  type ServiceName,
} from './infra';

// Our own producer uses kafkajs' default partitioner knowingly, as the processes do.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
const say = stderrLine('demo');
const started = Date.now();
const stack: Array<{ name: string; stop: () => Promise<unknown> }> = []; // last started first
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  while (stack.length > 0) {
    const { name, stop } = stack.pop()!;
    try {
      await stop();
    } catch (error) {
      say(`could not stop ${name}: ${(error as Error).message}`);
    }
  }
  say('stopped');
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(0));

/** A Provenant process whose output is shown; its exit, unless we stop it, stops the demo. */
async function startProcess(name: ServiceName, env: Record<string, string>, port: number) {
  const service = await startService({
    name,
    env,
    port,
    stdio: 'inherit',
    readyTimeoutMs: 90_000,
    onSpawn: (stop) => stack.push({ name, stop }),
  });
  void service.exited.then((how) => {
    if (stopping) return;
    say(`${name} exited unexpectedly (${how})`);
    void shutdown(1);
  });
}

/** The settings the caller's environment does not already give. */
const withoutOverrides = (settings: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(settings).filter(([name]) => process.env[name] === undefined));

async function replayScenarios(brokers: string, topic: string): Promise<void> {
  // The way a gateway would: structured CloudEvents keyed by request.
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
      ...(JSON.parse(readFileSync(join(dir, file), 'utf8').replaceAll('{run}', 'demo')) as {
        requestId: string;
        events: unknown[];
      }),
    }));
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
}

async function main(): Promise<void> {
  prepareCheckout({ withBuild: true });

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

  const port = Number(process.env.PORT || '4000');
  const ingestorPort = Number(process.env.INGESTOR_PORT || '4001');
  const env = {
    KAFKA_BROKERS: brokers,
    DATABASE_URL: databaseUrl,
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    // The federation, trust lists and lifecycle authorities the scenarios are written
    // against (tenants named with `{run}` = demo); a setting given to the demo wins.
    ...withoutOverrides(scenarioPolicyEnv(['demo'])),
  };
  await startProcess('ingestor', env, ingestorPort);
  // The API trusts the local development key unless told otherwise; create it if needed.
  if (!process.env.AUTH_JWKS_URL && !process.env.AUTH_JWKS_FILE) ensureDevKeys();
  await startProcess('api', env, port);

  const topic = process.env.KAFKA_TOPIC || 'delegation-events';
  await replayScenarios(brokers, topic);

  const token = await signDevToken({
    tenants: ['acme-demo'],
    roles: ['investigator', 'dashboard', 'siem'],
    subject: 'dev-user',
    expiresIn: 3600,
  });
  const query =
    '{ provenance(requestId: \\"req-crm-demo\\") { origin { id kind } chain { position principal { id kind } } hops { hopId parentHopId decision } gaps { reason } anomalies { rule severity } complete } }';
  process.stdout.write(`
Investigator console: http://127.0.0.1:${port}/console
  (development sign-in: pick tenant acme-demo and a role; or paste the token below)

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

SIEM export, a page at a time (-i shows X-Next-Cursor: pass it back as &after=...):
  curl -si 'http://127.0.0.1:${port}/v1/export/events?format=ndjson&limit=5' -H "authorization: Bearer $TOKEN"
  curl -si 'http://127.0.0.1:${port}/v1/export/events?format=ocsf&limit=5' -H "authorization: Bearer $TOKEN"
  curl -si 'http://127.0.0.1:${port}/v1/export/events?format=cef&limit=5' -H "authorization: Bearer $TOKEN"
  curl -si 'http://127.0.0.1:${port}/v1/export/anomalies?format=ocsf' -H "authorization: Bearer $TOKEN"
The CRM request's chain as W3C PROV-JSON, and the HTTP API's OpenAPI document:
  curl -s 'http://127.0.0.1:${port}/v1/export/provenance/req-crm-demo?format=prov-json' -H "authorization: Bearer $TOKEN"
  curl -s http://127.0.0.1:${port}/openapi.json

The ledger: its latest signed checkpoint, a proof that the first event is in it, and the
auditor's offline check of an export page (the key is also at /v1/ledger/key):
  curl -s http://127.0.0.1:${port}/v1/ledger/checkpoint -H "authorization: Bearer $TOKEN" > checkpoint.note
  curl -s 'http://127.0.0.1:${port}/v1/ledger/proof/inclusion?leaf=0' -H "authorization: Bearer $TOKEN"
  npm run -s ledger:key > ledger.key
  npm run verify -- --key ledger.key --checkpoint checkpoint.note

Press Ctrl-C to stop everything.
`);
}

main().catch(async (error: unknown) => {
  say(`failed: ${(error as Error).message}`);
  await shutdown(1);
});
