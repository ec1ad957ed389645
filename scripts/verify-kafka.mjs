#!/usr/bin/env node
// Proves the local broker of scripts/kafka.mjs works with the client the project uses
// (kafkajs 2.2.4, whose protocol versions are old next to Kafka 4.x): it starts a broker on
// a free port in a temporary folder, runs the operations the ingestor and the tests rely
// on, prints a short report and stops the broker again. Exits non-zero on any failure.
//
//   node scripts/verify-kafka.mjs

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';

import kafkajs from 'kafkajs';

import { KAFKA_VERSION, startKafka } from './kafka.mjs';

const { Kafka, Partitioners, logLevel } = kafkajs;
const KCAT = '/usr/bin/kcat';
const MESSAGES = 100;
const WAIT_MS = 30_000;

const results = [];
const clientWarnings = [];

async function check(name, fn) {
  const started = Date.now();
  const detail = await fn();
  results.push({ name, ms: Date.now() - started, detail });
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Polls until `condition()` holds: no fixed sleeps. */
async function eventually(what, condition, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function portIsOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Collects kafkajs warnings and errors instead of printing them, for the report. */
const logCreator =
  () =>
  ({ level, log: { message, ...extra } }) => {
    if (level <= logLevel.WARN) {
      clientWarnings.push(
        `${level === logLevel.ERROR ? 'ERROR' : 'WARN'} ${message} ${extra.error ?? ''}`.trim(),
      );
    }
  };

/** A consumer in `groupId` that commits explicitly after each batch. */
async function startConsumer(kafka, { groupId, topic, onMessage }) {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    // disconnect() waits for the fetch in flight, which the broker holds open for up to
    // this long when there is nothing to read (kafkajs default: 5 s).
    maxWaitTimeInMs: 500,
  });
  await consumer.connect();
  // fromBeginning only applies when the group has no committed offset: a restarted
  // consumer that still received old messages would show the commit did not stick.
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        onMessage(batch.partition, message);
        resolveOffset(message.offset);
      }
      const last = batch.messages.at(-1);
      if (last) {
        // The committed offset is the next one to read, hence + 1.
        await consumer.commitOffsets([
          { topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
        ]);
      }
      await heartbeat();
    },
  });
  return consumer;
}

async function main() {
  const kafka = await startKafka({ log: false });
  let failed;
  try {
    await verify(kafka);
  } catch (error) {
    failed = error;
  }
  await kafka.stop();
  const stopped = !isAlive(kafka.pid) && !(await portIsOpen(kafka.port));

  console.log(`Kafka ${KAFKA_VERSION} at ${kafka.brokers}: ready in ${kafka.startMs} ms`);
  for (const { name, ms, detail } of results) {
    console.log(`  ok   ${name} (${ms} ms)${detail ? ` — ${detail}` : ''}`);
  }
  console.log(`  ${stopped ? 'ok  ' : 'FAIL'} broker stopped, port ${kafka.port} released`);
  if (clientWarnings.length > 0) {
    // Typically retriable errors kafkajs logs while the broker creates an internal topic
    // on first use (__consumer_offsets, __transaction_state): harmless if every check passed.
    console.log('kafkajs logged:');
    for (const warning of new Set(clientWarnings)) console.log(`  ${warning}`);
  }
  if (failed) {
    console.error(`FAILED: ${failed.stack ?? failed}`);
    process.exitCode = 1;
  } else if (!stopped) {
    process.exitCode = 1;
  }
}

async function verify({ brokers }) {
  const kafka = new Kafka({
    clientId: 'verify-kafka',
    brokers: [brokers],
    logLevel: logLevel.WARN,
    logCreator,
  });
  const topic = `verify-${Date.now()}`;
  const groupId = `${topic}-group`;
  const admin = kafka.admin();
  await admin.connect();
  // The default partitioner, named explicitly: that is what keeps kafkajs 2 from warning
  // about its v2 partitioner change (KAFKAJS_NO_PARTITIONER_WARNING=1 does the same).
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const consumers = [];

  try {
    await check('admin.createTopics (3 partitions)', async () => {
      const created = await admin.createTopics({
        topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      assert(created, 'createTopics returned false');
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      assert(
        topics[0].partitions.length === 3,
        `expected 3 partitions, got ${topics[0].partitions.length}`,
      );
      assert((await admin.listTopics()).includes(topic), 'listTopics misses the topic');
    });

    await check(`producer.send ${MESSAGES} keyed messages`, async () => {
      const messages = Array.from({ length: MESSAGES }, (_, n) => ({
        key: `request-${n % 10}`,
        value: JSON.stringify({ n }),
        headers: { 'x-origin': 'kafkajs' },
      }));
      const records = await producer.send({ topic, acks: -1, messages });
      const partitions = new Set(records.map((record) => record.partition));
      return `landed on ${partitions.size} partitions`;
    });

    const first = [];
    await check('consumer group, eachBatch, explicit commitOffsets', async () => {
      const seen = [];
      const consumer = await startConsumer(kafka, {
        groupId,
        topic,
        onMessage: (partition, message) => {
          seen.push({ partition, key: message.key.toString(), n: JSON.parse(message.value).n });
          assert(message.headers['x-origin']?.toString() === 'kafkajs', 'header lost');
        },
      });
      consumers.push(consumer);
      await eventually(`${MESSAGES} messages`, () => seen.length >= MESSAGES);
      first.push(...seen);
      const ns = new Set(seen.map((m) => m.n));
      assert(
        seen.length === MESSAGES && ns.size === MESSAGES,
        `got ${seen.length} messages, ${ns.size} distinct`,
      );
      // One key, one partition: what keeps a request's events in order.
      const partitionOfKey = new Map();
      for (const { key, partition } of seen) {
        assert(
          (partitionOfKey.get(key) ?? partition) === partition,
          `key ${key} on two partitions`,
        );
        partitionOfKey.set(key, partition);
      }
      await consumer.disconnect();
      consumers.pop();
      return `${seen.length} messages, each key on one partition`;
    });

    await check('admin.fetchOffsets = high watermarks', async () => {
      const high = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const { partition, high: end } of high) {
        const offset = committed.partitions.find((p) => p.partition === partition)?.offset;
        assert(offset === end, `partition ${partition}: committed ${offset}, end ${end}`);
      }
      const total = high.reduce((sum, p) => sum + Number(p.high), 0);
      assert(total === MESSAGES, `high watermarks add up to ${total}`);
      const { groups } = await admin.describeGroups([groupId]);
      assert(groups[0]?.state === 'Empty', `group state ${groups[0]?.state}`);
      return committed.partitions.map((p) => `p${p.partition}=${p.offset}`).join(' ');
    });

    await check('restarted consumer resumes after the committed offsets', async () => {
      const extra = 10;
      await producer.send({
        topic,
        messages: Array.from({ length: extra }, (_, i) => ({
          key: `request-${i}`,
          value: JSON.stringify({ n: MESSAGES + i }),
        })),
      });
      const seen = [];
      const consumer = await startConsumer(kafka, {
        groupId,
        topic,
        onMessage: (_, message) => seen.push(JSON.parse(message.value).n),
      });
      consumers.push(consumer);
      // Within a partition messages arrive in offset order, so an old message would come
      // before the new ones: receiving exactly the new ones proves the resume point.
      await eventually(`${extra} new messages`, () => seen.length >= extra);
      const old = seen.filter((n) => n < MESSAGES);
      assert(old.length === 0, `re-read ${old.length} already committed messages`);
      assert(seen.length === extra, `expected ${extra} messages, got ${seen.length}`);
      return `got only the ${extra} new messages`;
    });

    if (existsSync(KCAT)) {
      await check('kcat produce with headers -> kafkajs', async () => {
        // Restart the group's consumer with a handler that keeps raw messages.
        await consumers.pop().disconnect();
        const received = [];
        const kcatConsumer = await startConsumer(kafka, {
          groupId,
          topic,
          onMessage: (_, message) => received.push(message),
        });
        consumers.push(kcatConsumer);
        await runKcat(
          [
            '-b',
            brokers,
            '-t',
            topic,
            '-P',
            '-k',
            'from-kcat',
            '-H',
            'x-provenant-error=bad json',
            '-H',
            'ce_id=42',
          ],
          'not json',
        );
        await eventually('the kcat message', () => received.length >= 1);
        const [message] = received;
        assert(message.key.toString() === 'from-kcat', `key ${message.key}`);
        assert(message.value.toString() === 'not json', `value ${message.value}`);
        assert(
          message.headers['x-provenant-error']?.toString() === 'bad json',
          'header x-provenant-error',
        );
        assert(message.headers.ce_id?.toString() === '42', 'header ce_id');
      });

      await check('kafkajs headers -> kcat', async () => {
        const out = await runKcat([
          '-b',
          brokers,
          '-t',
          topic,
          '-C',
          '-e',
          '-q',
          '-o',
          'beginning',
          '-f',
          '%h\n',
        ]);
        assert(out.includes('x-origin=kafkajs'), `kcat saw headers "${out.trim()}"`);
      });
    } else {
      results.push({ name: `kcat checks skipped (${KCAT} not installed)`, ms: 0 });
    }

    await check('idempotent producer', async () => {
      const idempotent = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await idempotent.connect();
      try {
        await idempotent.send({ topic, acks: -1, messages: [{ key: 'idempotent', value: '{}' }] });
      } finally {
        await idempotent.disconnect();
      }
    });

    await check('auto-created topic on first produce', async () => {
      const auto = `${topic}-auto`;
      await producer.send({ topic: auto, messages: [{ value: 'x' }] });
      const { topics } = await admin.fetchTopicMetadata({ topics: [auto] });
      return `${topics[0].partitions.length} partitions (num.partitions)`;
    });

    await check('admin.deleteTopics', async () => {
      await admin.deleteTopics({ topics: [`${topic}-auto`] });
      await eventually(
        'the topic to go',
        async () => !(await admin.listTopics()).includes(`${topic}-auto`),
      );
    });
  } finally {
    for (const consumer of consumers) await consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
  }
}

async function runKcat(args, input) {
  const run = promisify(execFile);
  const child = run(KCAT, args, { timeout: WAIT_MS });
  if (input !== undefined) child.child.stdin.end(input);
  const { stdout } = await child;
  return stdout;
}

await main();
