// Provisions this test run's own infrastructure: a Kafka broker on a free port with its
// own data folder, and a fresh database with the migrations applied. Nothing a previous
// run left behind is used. Test workers inherit the environment set here.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDatabase,
  ensureDevKeys,
  freePort,
  migrate,
  startKafka,
  type KafkaBroker,
} from '../../tools/infra';

/** What the global teardown stops and removes (jest runs both in one process). */
export interface TestRun {
  kafka: KafkaBroker;
  dataDir: string;
  databaseUrl: string;
}

declare global {
  var __PROVENANT_TEST__: TestRun | undefined;
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const adminUrl =
    process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/provenant_test_${randomBytes(4).toString('hex')}`;
  await createDatabase(databaseUrl.toString());
  await migrate(databaseUrl.toString());

  ensureDevKeys();
  const dataDir = mkdtempSync(join(tmpdir(), 'provenant-test-kafka-'));
  const kafka = await startKafka({ port: await freePort(), dataDir, log: false });

  process.env.DATABASE_URL = databaseUrl.toString();
  process.env.KAFKA_BROKERS = kafka.brokers;
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  // Every service process a test starts leaves its pid here; the teardown kills what is left.
  process.env.PROVENANT_TEST_PIDS = join(dataDir, 'pids');
  mkdirSync(process.env.PROVENANT_TEST_PIDS);
  globalThis.__PROVENANT_TEST__ = { kafka, dataDir, databaseUrl: databaseUrl.toString() };
  console.log(
    `\n[e2e] kafka ${kafka.brokers}, database ${databaseUrl.pathname.slice(1)}, ready in ${Date.now() - started} ms`,
  );
}
