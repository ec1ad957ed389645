// Preloading the benchmark's topic with realistic traffic, lightly shuffled, key = requestId.
import { randomBytes } from 'node:crypto';
import type { Kafka, Message } from 'kafkajs';
import { lightlyShuffled } from '../../infra/seeded-random';
import { log } from '../kit';
import { generateTraffic } from '../traffic';

const SEED = 42;
// Each event may move by up to this many places.
const SHUFFLE_WINDOW = 32;
const PRODUCE_BATCH = 2_000;
const PRODUCE_IN_FLIGHT = 4;

export interface Preloaded {
  events: number;
  exchanges: number;
  hops: number;
  revocations: number;
  bytes: number;
  ms: number;
}

export async function preload(
  kafka: Kafka,
  { topic, partitions, requests }: { topic: string; partitions: number; requests: number },
): Promise<Preloaded> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
  });
  await admin.disconnect();

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const counts = { events: 0, exchanges: 0, hops: 0, revocations: 0, bytes: 0 };
  const started = Date.now();
  const inFlight = new Set<Promise<unknown>>();
  let batch: Message[] = [];
  const flush = async () => {
    const messages = batch;
    batch = [];
    const sending: Promise<unknown> = producer
      .send({ topic, acks: -1, messages })
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
    if (inFlight.size >= PRODUCE_IN_FLIGHT) await Promise.race(inFlight);
  };
  const run = `bench${randomBytes(3).toString('hex')}`;
  for (const { key, value } of lightlyShuffled(
    generateTraffic({ requests, seed: SEED, run }),
    SHUFFLE_WINDOW,
    SEED,
  )) {
    const text = JSON.stringify(value);
    counts.events += 1;
    counts.bytes += text.length;
    if (value.type === 'provenant.token.exchanged') counts.exchanges += 1;
    else if (value.type === 'provenant.action.performed') counts.hops += 1;
    else if (value.type === 'provenant.token.revoked') counts.revocations += 1;
    batch.push({ key, value: text, headers: { 'content-type': 'application/cloudevents+json' } });
    if (batch.length >= PRODUCE_BATCH) await flush();
    if (counts.events % 50_000 === 0) log(`  produced ${counts.events}`);
  }
  if (batch.length > 0) await flush();
  await Promise.all(inFlight);
  await producer.disconnect();
  return { ...counts, ms: Date.now() - started };
}
