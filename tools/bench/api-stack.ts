// What a benchmark of the API stands on: a fresh migrated database of its own, a broker
// with the anomaly topic the API reads (it needs one for readiness and its live feed), and
// the built API process itself, each removed at the end by the benchmark's clean-up.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import {
  createDatabase,
  DEFAULT_DATABASE_URL,
  dropDatabase,
  freePort,
  migrate,
  startKafka,
} from '../infra';
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  DEV_JWKS_FILE,
  DEV_LEDGER_VERIFIER,
  ensureDevKeys,
} from '../infra/dev-keys';
import type { Service } from '../infra/services';
import { benchService, log, nodeArgsFrom, onCleanUp, once } from './kit';

export const ANOMALY_TOPIC = 'delegation-anomalies';

/**
 * A new, migrated database `provenant_<name>_<random>` on DATABASE_URL's server; dropped at
 * clean-up unless `keep`.
 */
export async function freshDatabase(name: string, { keep = false } = {}): Promise<string> {
  const url = new URL(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  url.pathname = `/provenant_${name}_${randomBytes(4).toString('hex')}`;
  const databaseUrl = url.toString();
  if (keep) onCleanUp(() => log(`the database stays, ${databaseUrl}`));
  else onCleanUp(() => dropDatabase(databaseUrl));
  await createDatabase(databaseUrl);
  await migrate(databaseUrl);
  log(`database ${url.pathname.slice(1)} created and migrated`);
  return databaseUrl;
}

/** A single-node broker on a free port with the anomaly topic; returns its address. */
export async function brokerForApi(): Promise<string> {
  const broker = await startKafka({ port: await freePort(), log: false });
  onCleanUp(once(() => broker.stop()));
  const admin = new Kafka({
    clientId: 'bench',
    brokers: [broker.brokers],
    logLevel: logLevel.ERROR,
  }).admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic: ANOMALY_TOPIC, numPartitions: 1, replicationFactor: 1 }],
  });
  await admin.disconnect();
  log(`broker ready at ${broker.brokers}`);
  return broker.brokers;
}

/** The built API in production mode against `databaseUrl`, trusting the development key. */
export function startApi({
  databaseUrl,
  brokers,
  env = {},
}: {
  databaseUrl: string;
  brokers: string;
  env?: Record<string, string>;
}): Promise<Service> {
  // On a fresh checkout nothing has created the development key yet.
  ensureDevKeys();
  return benchService({
    name: 'api',
    nodeArgs: nodeArgsFrom('BENCH_API_NODE_ARGS'),
    graceMs: 10_000,
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: brokers,
      KAFKA_ANOMALY_TOPIC: ANOMALY_TOPIC,
      HOST: '127.0.0.1',
      AUTH_JWKS_FILE: DEV_JWKS_FILE,
      LEDGER_VERIFIER_KEY_FILE: DEV_LEDGER_VERIFIER,
      AUTH_ISSUER: DEV_ISSUER,
      AUTH_AUDIENCE: DEV_AUDIENCE,
      ...env,
    },
  });
}
