import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { freePort, startKafka, type KafkaBroker } from '../tools/infra';
import { expectEventually } from './support/eventually';

const topic = 'restart-check';
let groups = 0;

/**
 * The broker script stopped and started again on the same data folder: topics, messages and
 * a consumer group's committed offsets survive (only `fresh` wipes). This test runs a broker
 * of its own, not the run's shared one, since it stops it.
 */
describe('kafka broker restart', () => {
  const group = 'restart-committed';
  const message = (i: number) => ({ key: `key-${i % 4}`, value: `value-${i}` });
  // Consumed and committed by `group` before the restart ...
  const committed = Array.from({ length: 9 }, (_, i) => message(i));
  // ... and produced afterwards, so the group's offsets are not simply the end of the log.
  const pending = Array.from({ length: 3 }, (_, i) => message(committed.length + i));
  const all = [...committed, ...pending];

  let dataDir: string;
  let broker: KafkaBroker | undefined;
  let offsetsBefore: Offsets;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'provenant-restart-kafka-'));
  });

  afterAll(async () => {
    await broker?.stop({ keepData: false });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps topics, messages and committed offsets across stop and start on the same folder', async () => {
    const port = await freePort();
    broker = await startKafka({ port, dataDir, log: false });
    let kafka = client(broker);

    await withAdmin(kafka, (admin) =>
      admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
      }),
    );
    await produce(kafka, committed);
    const firstRead = await consume(kafka, group, committed.length, { commit: true });
    expect(values(firstRead)).toEqual(values(committed));
    await produce(kafka, pending);
    offsetsBefore = await withAdmin(kafka, (admin) => groupOffsets(admin));
    expect(offsetsBefore.reduce((sum, { offset }) => sum + Number(offset), 0)).toBe(
      committed.length,
    );

    await broker.stop({ keepData: true });
    // No port given: the folder's own port again.
    broker = await startKafka({ dataDir, log: false });
    kafka = client(broker);

    await expectSurvived(kafka);
    expect(broker.port).toBe(port);
    expect(broker.restarted).toBe(true);
  });

  it('moves to other ports when asked, and still keeps the data', async () => {
    const previous = broker!;
    await previous.stop({ keepData: true });
    // Holding the old controller port forces the controller listener to move as well.
    const blocker = await listen(previous.controllerPort);
    const port = await freePort();
    try {
      broker = await startKafka({ port, dataDir, log: false });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    await expectSurvived(client(broker));
    expect(broker.restarted).toBe(true);
    expect(broker.port).toBe(port);
    expect(broker.controllerPort).not.toBe(previous.controllerPort);
  });

  /** The topic, every message and `group`'s offsets are there; the group resumes where it was. */
  async function expectSurvived(kafka: Kafka): Promise<void> {
    await withAdmin(kafka, async (admin) => {
      expect(await admin.listTopics()).toContain(topic);
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0].partitions).toHaveLength(3);
      // Right after a start the group coordinator may still be loading its partition.
      await expectEventually(async () => expect(await groupOffsets(admin)).toEqual(offsetsBefore));
    });
    const fromBeginning = await consume(kafka, `restart-new-${++groups}`, all.length);
    expect(values(fromBeginning)).toEqual(values(all));
    const resumed = await consume(kafka, group, pending.length);
    expect(values(resumed)).toEqual(values(pending));
  }

  type Offsets = Array<{ partition: number; offset: string }>;

  async function groupOffsets(admin: Admin): Promise<Offsets> {
    const [{ partitions }] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return partitions
      .map(({ partition, offset }) => ({ partition, offset }))
      .sort((a, b) => a.partition - b.partition);
  }
});

function client(broker: KafkaBroker): Kafka {
  return new Kafka({
    clientId: 'kafka-restart-test',
    brokers: [broker.brokers],
    logLevel: logLevel.NOTHING,
  });
}

async function withAdmin<T>(kafka: Kafka, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

async function produce(kafka: Kafka, messages: Array<{ key: string; value: string }>) {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

interface Received {
  key: string;
  value: string;
  partition: number;
  offset: string;
}

/** Reads `count` messages in `groupId` (from the beginning when it has no offsets). */
async function consume(
  kafka: Kafka,
  groupId: string,
  count: number,
  { commit = false } = {},
): Promise<Received[]> {
  const received: Received[] = [];
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ message, partition }) => {
        received.push({
          key: message.key!.toString(),
          value: message.value!.toString(),
          partition,
          offset: message.offset,
        });
        return Promise.resolve();
      },
    });
    await expectEventually(() => expect(received.length).toBeGreaterThanOrEqual(count), {
      timeoutMs: 60_000,
    });
    if (commit) {
      const next = new Map<number, string>();
      for (const { partition, offset } of received) next.set(partition, String(Number(offset) + 1));
      await consumer.commitOffsets(
        [...next].map(([partition, offset]) => ({ topic, partition, offset })),
      );
    }
  } finally {
    await consumer.disconnect();
  }
  expect(received).toHaveLength(count);
  return received;
}

/** What was sent, in a stable order (a partition keeps the order of its keys). */
function values(messages: Array<{ value: string }>): string[] {
  return messages.map(({ value }) => value).sort((a, b) => a.localeCompare(b));
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
