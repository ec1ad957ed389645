// Contender 2: a straightforward per-message consumer (kafkajs eachMessage, JSON.parse, the
// product's mapper, then one Prisma call per event, principal, token, request, exchange, hop
// or change, and an offset commit per message). It is slow, so it runs on the first messages
// or seconds only, on an empty database, and its rate is extrapolated from that sample.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DelegationEvent } from '@app/contract';
import { toEventGraph } from '@app/ingestion';
import {
  principalKey,
  type PrincipalKey,
  type PrincipalRow,
  type TokenRow,
} from '@app/persistence';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Kafka } from 'kafkajs';
// The built client in dist/, as the ingestor runs it; typed from its source.
import type * as Generated from '../../../libs/persistence/src/generated/prisma/client';
import { ROOT } from '../../infra/paths';
import { log, onCleanUp, once, seconds } from '../kit';

const PRISMA_CLIENT = join(ROOT, 'dist/libs/persistence/src/generated/prisma/client.js');

export interface NaiveResult {
  events: number;
  ms: number;
  cpuSeconds: number;
}

export async function runNaive({
  kafka,
  databaseUrl,
  topic,
  total,
  suffix,
  maxMessages,
  maxSeconds,
}: {
  kafka: Kafka;
  databaseUrl: string;
  topic: string;
  total: number;
  suffix: string;
  maxMessages: number;
  maxSeconds: number;
}): Promise<NaiveResult> {
  const { PrismaClient } = createRequire(__filename)(PRISMA_CLIENT) as {
    PrismaClient: typeof Generated.PrismaClient;
  };
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: 4 }),
  });
  await prisma.$connect();
  const disconnectPrisma = once(() => prisma.$disconnect());
  onCleanUp(disconnectPrisma);

  const consumer = kafka.consumer({ groupId: `bench-naive-${suffix}`, maxWaitTimeInMs: 500 });
  const disconnect = once(() => consumer.disconnect());
  onCleanUp(disconnect);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });

  const principal = ({ kind, displayName, ...key }: PrincipalRow) =>
    prisma.principal.upsert({
      where: { reporter_tenant_issuer_subject: key },
      create: { ...key, kind: kind as Generated.PrincipalKind, displayName },
      update: displayName ? { displayName } : {},
    });
  // A later event's values replace the stored ones; what it leaves out stays.
  // `precedence` orders descriptions of one token (the product keeps the first by it); the
  // naive reference lets the later event win, as it always did.
  const token = ({ claims, precedence: _precedence, ...row }: TokenRow) => {
    const fields: Partial<Generated.Prisma.TokenUncheckedCreateInput> = {
      ...row,
      claims: claims ?? undefined,
    };
    for (const name of Object.keys(fields) as Array<keyof typeof fields>) {
      const value = fields[name];
      if (value === null || value === undefined || (Array.isArray(value) && value.length === 0))
        delete fields[name];
    }
    return prisma.token.upsert({
      where: { reporter_key: { reporter: row.reporter, key: row.key } },
      create: { ...row, claims: fields.claims },
      update: fields,
    });
  };
  const request = (requestId: string, time: string) =>
    prisma.request.upsert({
      where: { requestId },
      create: { requestId, firstSeenAt: time, lastSeenAt: time },
      update: { lastSeenAt: time },
    });

  let handled = 0;
  let firstAt = 0;
  let lastAt = 0;
  let cpuAtFirst: NodeJS.CpuUsage | undefined;
  let cpuSeconds = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let lastReport = Date.now();

  await consumer.run({
    autoCommit: false,
    eachMessage: async (payload) => {
      const { topic: from, partition, message } = payload;
      if (firstAt === 0) {
        firstAt = Date.now();
        cpuAtFirst = process.cpuUsage();
      }
      if (handled >= maxMessages || Date.now() - firstAt >= maxSeconds * 1000) {
        payload.pause();
        finish();
        return;
      }
      const graph = toEventGraph(
        JSON.parse(message.value!.toString('utf8')) as DelegationEvent,
        [],
        { topic: from, partition, offset: message.offset },
      );
      const { time, data, offset, ...envelope } = graph.event;
      const { id: eventId } = await prisma.event.create({
        data: {
          ...envelope,
          time,
          data: data as Generated.Prisma.InputJsonValue,
          offset: BigInt(offset),
        },
      });
      const principalIds = new Map<string, bigint>();
      for (const row of graph.principals)
        principalIds.set(principalKey(row), (await principal(row)).id);
      const idOf = (key: PrincipalKey): bigint => principalIds.get(principalKey(key))!;
      for (const row of graph.tokens) await token(row);
      for (const row of graph.requests) await request(row.requestId, row.time);
      for (const { source: _source, ceId: _ceId, subject, actor, ...row } of graph.exchanges) {
        await prisma.tokenExchange.create({
          data: { ...row, eventId, subjectId: idOf(subject), actorId: idOf(actor) },
        });
      }
      for (const { source: _source, ceId: _ceId, actor, onBehalfOf, ...row } of graph.hops) {
        await prisma.hop.create({
          data: {
            ...row,
            eventId,
            actorId: idOf(actor),
            onBehalfOfId: onBehalfOf ? idOf(onBehalfOf) : null,
          },
        });
      }
      for (const { source: _source, ceId: _ceId, principal: key, ...row } of graph.changes) {
        await prisma.principalChange.create({
          data: { ...row, eventId, principalId: idOf(key) },
        });
      }
      await consumer.commitOffsets([
        { topic: from, partition, offset: (BigInt(message.offset) + 1n).toString() },
      ]);
      handled += 1;
      lastAt = Date.now();
      if (handled >= total) finish();
      const cpu = process.cpuUsage(cpuAtFirst);
      cpuSeconds = (cpu.user + cpu.system) / 1e6;
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        log(`  naive: ${handled} (${Math.round(handled / seconds(lastAt - firstAt))} events/s)`);
      }
    },
  });
  await finished;
  await disconnect();
  await disconnectPrisma();
  return { events: handled, ms: lastAt - firstAt, cpuSeconds };
}
