import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type IHeaders, type KafkaMessage } from 'kafkajs';
import { Pool } from 'pg';

/** The broker and database the global set-up provisioned for this run. */
export const brokers = (): string[] => process.env.KAFKA_BROKERS!.split(',');
export const databaseUrl = (): string => process.env.DATABASE_URL!;

/** A short random suffix: each test gets its own tenants, topics and request ids. */
export const uniqueSuffix = (): string => randomBytes(4).toString('hex');

export function testKafka(): Kafka {
  return new Kafka({
    clientId: `test-${uniqueSuffix()}`,
    brokers: brokers(),
    logLevel: logLevel.NOTHING,
  });
}

export function testPool(): Pool {
  const pool = new Pool({ connectionString: databaseUrl(), max: 3 });
  pool.on('error', () => undefined);
  return pool;
}

export async function createTopics(
  kafka: Kafka,
  topics: string[],
  numPartitions = 3,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.map((topic) => ({ topic, numPartitions, replicationFactor: 1 })),
  });
  await admin.disconnect();
}

/** Produces with `kcat`, a client independent of kafkajs: headers as `name=value`. */
export function kcatProduce(
  topic: string,
  key: string,
  value: string | Buffer,
  headers: Record<string, string> = {},
): Promise<void> {
  const args = ['-P', '-b', brokers().join(','), '-t', topic, '-k', key, '-c', '1'];
  for (const [name, headerValue] of Object.entries(headers))
    args.push('-H', `${name}=${headerValue}`);
  return new Promise((resolve, reject) => {
    const child = execFile('kcat', args, (error, _stdout, stderr) =>
      error ? reject(new Error(`kcat: ${stderr || error.message}`)) : resolve(),
    );
    child.stdin!.end(value);
  });
}

/**
 * Reads a whole topic with `kcat`, as the README's operators do: one line per message,
 * `key<TAB>headers` (kcat prints headers as `name=value,name=value`).
 */
export function kcatConsumeAll(topic: string): Promise<string[]> {
  const args = ['-C', '-b', brokers().join(','), '-t', topic, '-o', 'beginning', '-e', '-q'];
  args.push('-f', '%k\t%h\n');
  return new Promise((resolve, reject) => {
    execFile('kcat', args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`kcat: ${stderr || error.message}`))
        : resolve(stdout.split('\n').filter(Boolean)),
    );
  });
}

export interface ConsumedMessage {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

const headerStrings = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [
      name,
      String(Array.isArray(value) ? value[0] : value),
    ]),
  );

/** Collects what arrives on `topic` from the beginning; `stop` disconnects. */
export async function collectTopic(
  kafka: Kafka,
  topic: string,
): Promise<{ messages: ConsumedMessage[]; stop: () => Promise<void> }> {
  const messages: ConsumedMessage[] = [];
  const consumer = kafka.consumer({ groupId: `collector-${uniqueSuffix()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message, partition }: { message: KafkaMessage; partition: number }) => {
      messages.push({
        key: message.key?.toString() ?? null,
        value: message.value,
        headers: headerStrings(message.headers),
        partition,
        offset: message.offset,
      });
      return Promise.resolve();
    },
  });
  return { messages, stop: () => consumer.disconnect() };
}
