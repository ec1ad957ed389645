#!/usr/bin/env node
// Ingestion benchmark: how fast Provenant's ingestor drains a Kafka topic of realistic
// delegation events into PostgreSQL, next to two references measured in the same run on
// the same broker, the same topic and the same database server.
//
//   npm run bench:ingest
//
// What it does:
//   1. builds the apps, starts its own single-node broker (free port, temporary folder) and
//      creates one fresh, migrated database per contender;
//   2. preloads a 6-partition topic with ~225,000 structured CloudEvents from
//      scripts/lib/traffic.mjs (45,000 requests, chains of depth 2 to 5, thousands of
//      principals), lightly shuffled, key = requestId;
//   3. drains that topic three times, each in its own consumer group:
//      - provenant: the built ingestor as a real process (validation, credential scrubbing,
//        set-based storage, anomaly rules, one transaction and one offset commit per batch).
//        Measured from /readyz to the moment its /metrics count every message; peak RSS is
//        the process's VmHWM;
//      - naive: a straightforward per-message consumer (kafkajs eachMessage, JSON.parse,
//        one Prisma call per principal, token, request, event, hop or exchange, an offset
//        commit per message). It is slow, so it runs on the first BENCH_NAIVE_MESSAGES
//        messages or BENCH_NAIVE_SECONDS seconds, whichever comes first, on an empty
//        database, and its rate is extrapolated from that sample;
//      - limit: kafkajs eachBatch, JSON.parse only (no validation, no anomaly rules), the
//        same rows written with COPY FROM STDIN (text format, sent over pg's connection):
//        events straight into their table with pre-allocated ids, the rest into temporary
//        staging tables merged with one INSERT ... SELECT ... ON CONFLICT per table;
//        one transaction and one offset commit per batch;
//   4. checks the row counts each contender stored, prints a table, and as its very last
//      line the JSON figures: {"bench":"ingest","events":...,"eventsPerSec":...,...}.
//
// Progress goes to stderr; the table and the JSON line to stdout. The broker and the
// databases are removed at the end, also on failure or Ctrl-C.
//
// Knobs (environment): BENCH_REQUESTS (45000), BENCH_NAIVE_MESSAGES (8000),
// BENCH_NAIVE_SECONDS (30), BENCH_INGESTOR_NODE_ARGS (extra node arguments for the
// ingestor process only, e.g. "--max-old-space-size=256"), BENCH_NO_BUILD=1
// (measure the build already in dist/ instead of compiling first), DATABASE_URL (the
// PostgreSQL server to use; the database name in it is ignored).

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort, startKafka } from './kafka.mjs';
import { generateTraffic } from './lib/traffic.mjs';
import {
  cleanUp,
  cleanups,
  log,
  once,
  out,
  seconds,
  sleep,
  spawnService,
} from './lib/bench-kit.mjs';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const INGESTOR_MAIN = join(ROOT, 'dist/apps/ingestor/src/main.js');
const PRISMA_CLIENT = join(ROOT, 'dist/libs/persistence/src/generated/prisma/client.js');

const envInt = (name, fallback) => {
  const value = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const REQUESTS = envInt('BENCH_REQUESTS', 45_000);
const NAIVE_MESSAGES = envInt('BENCH_NAIVE_MESSAGES', 8_000);
const NAIVE_SECONDS = envInt('BENCH_NAIVE_SECONDS', 30);
const PARTITIONS = 6;
const SEED = 42;
const SHUFFLE_WINDOW = 32;
const PRODUCE_BATCH = 2_000;
const PRODUCE_IN_FLIGHT = 4;
const STALL_TIMEOUT_MS = 120_000;
const TARGETS = { eventsPerSec: 10_000, vsNaive: 20, vsLimit: 0.5, peakRssMb: 400 };

// ---------------------------------------------------------------------------------------
// COPY FROM STDIN over pg's own connection (a custom query object, as pg supports them).

class CopyFrom {
  constructor(text, payload) {
    this.text = text;
    this.payload = payload;
    this.rowCount = 0;
    this.done = false;
  }
  submit(connection) {
    connection.query(this.text);
  }
  handleCopyInResponse(connection) {
    const CHUNK = 256 * 1024;
    for (let i = 0; i < this.payload.length; i += CHUNK)
      connection.sendCopyFromChunk(this.payload.subarray(i, i + CHUNK));
    connection.endCopyFrom();
  }
  handleCommandComplete(msg) {
    this.rowCount = Number.parseInt(/\d+$/.exec(msg.text ?? '')?.[0] ?? '0', 10);
  }
  handleReadyForQuery() {
    this.finish(null);
  }
  handleError(error) {
    this.finish(error);
  }
  finish(error) {
    if (this.done) return;
    this.done = true;
    this.callback?.(error, { rowCount: this.rowCount });
  }
  handleCopyData() {}
  handleRowDescription() {}
  handleDataRow() {}
  handleEmptyQuery() {}
  handlePortalSuspended() {}
}

function copyFrom(client, text, payload) {
  return new Promise((resolve, reject) => {
    const query = new CopyFrom(text, payload);
    query.callback = (error, result) => (error ? reject(error) : resolve(result));
    client.query(query);
  });
}

const COPY_ESCAPES = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const COPY_SPECIAL = /[\\\t\n\r]/;
/** One field in COPY text format. */
function field(value) {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'string' ? value : String(value);
  return COPY_SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : text;
}
const jsonField = (value) =>
  value === null || value === undefined ? '\\N' : field(JSON.stringify(value));
const arrayField = (items) =>
  field(
    `{${(items ?? []).map((item) => `"${String(item).replace(/["\\]/g, '\\$&')}"`).join(',')}}`,
  );
const copyPayload = (rows) =>
  Buffer.from(rows.map((row) => `${row.join('\t')}\n`).join(''), 'utf8');

// ---------------------------------------------------------------------------------------
// The rows one event contributes, as in libs/ingestion/src/event-graph.mapper.ts, without
// any validation.

const tokenKeyOf = (token) =>
  token.jti !== undefined ? `jti:${token.issuer ?? ''}#${token.jti}` : `fp:${token.fingerprint}`;
const principalOf = (ref, tenant) => ({
  tenant: ref.tenant ?? tenant,
  issuer: ref.issuer,
  subject: ref.id,
  kind: ref.kind,
  displayName: ref.displayName ?? null,
});
const principalKey = (p) => `${p.tenant}\u0000${p.issuer}\u0000${p.subject}`;
const tokenOf = (token, tenant, extra = {}) => ({
  key: tokenKeyOf(token),
  tenant: token.tenant ?? tenant,
  issuer: token.issuer ?? null,
  jti: token.jti ?? null,
  fingerprint: token.fingerprint ?? null,
  audience: token.audience ?? [],
  scopes: token.scopes ?? [],
  issuedAt: token.issuedAt ?? null,
  expiresAt: token.expiresAt ?? null,
  claims: token.claims ?? null,
  parentKey: null,
  actorTokenKey: null,
  revokedAt: null,
  revokeReason: null,
  ...extra,
});

// ---------------------------------------------------------------------------------------
// Preload.

/** A light, seeded shuffle: each event may move by up to SHUFFLE_WINDOW places. */
function* shuffled(items, window, seed) {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const buffer = [];
  for (const item of items) {
    buffer.push(item);
    if (buffer.length >= window) {
      const i = Math.floor(random() * buffer.length);
      yield buffer[i];
      buffer[i] = buffer[buffer.length - 1];
      buffer.pop();
    }
  }
  while (buffer.length > 0) {
    const i = Math.floor(random() * buffer.length);
    yield buffer[i];
    buffer[i] = buffer[buffer.length - 1];
    buffer.pop();
  }
}

async function preload(kafka, topic) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
  });
  await admin.disconnect();

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const counts = { events: 0, exchanges: 0, hops: 0, revocations: 0, bytes: 0 };
  const started = Date.now();
  const inFlight = new Set();
  let batch = [];
  const flush = async () => {
    const messages = batch;
    batch = [];
    const sending = producer
      .send({ topic, acks: -1, messages })
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
    if (inFlight.size >= PRODUCE_IN_FLIGHT) await Promise.race(inFlight);
  };
  const run = `bench${randomBytes(3).toString('hex')}`;
  for (const { key, value } of shuffled(
    generateTraffic({ requests: REQUESTS, seed: SEED, run }),
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

// ---------------------------------------------------------------------------------------
// Contender 1: Provenant's ingestor, as a real process.

function procStatus(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return null;
  }
}

const CLOCK_TICKS = 100;
function procCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime + stime
  } catch {
    return null;
  }
}

function metricSum(text, name) {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && (line[name.length] === ' ' || line[name.length] === '{')) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

async function runIngestor({ brokers, databaseUrl, topic, total, suffix }) {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_INGESTOR_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const service = await spawnService({
    name: 'ingestor',
    main: INGESTOR_MAIN,
    cwd: ROOT,
    nodeArgs,
    graceMs: 15_000,
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC: topic,
      KAFKA_ANOMALY_TOPIC: `${topic}.anomalies`,
      KAFKA_GROUP_ID: `bench-provenant-${suffix}`,
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      INGESTOR_PORT: String(port),
    },
  });
  const { child, stop, fail } = service;

  const url = (path) => `http://127.0.0.1:${port}${path}`;
  const spawned = Date.now();
  for (;;) {
    if (service.isGone()) throw fail('the ingestor exited during start-up');
    if (Date.now() - spawned > 90_000) throw fail('the ingestor was not ready after 90 s');
    const ready = await fetch(url('/readyz')).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    await sleep(100);
  }
  const readyAt = Date.now();
  const counters = async () => {
    const text = await (await fetch(url('/metrics'))).text();
    const stored = metricSum(text, 'provenant_events_stored_total');
    const duplicates = metricSum(text, 'provenant_events_duplicate_total');
    const deadLettered = metricSum(text, 'provenant_events_dead_lettered_total');
    return { stored, duplicates, deadLettered, done: stored + duplicates + deadLettered };
  };
  const atReady = await counters();
  const cpuAtReady = procCpuSeconds(child.pid);
  const rssAtReadyMb = (procStatus(child.pid)?.rssKb ?? 0) / 1024;
  log(
    `  ingestor ready in ${seconds(readyAt - spawned).toFixed(1)} s (${atReady.done} messages already handled)`,
  );

  let last = atReady;
  let lastProgressAt = Date.now();
  let lastReport = Date.now();
  let peakRssKb = 0;
  for (;;) {
    if (service.isGone()) throw fail('the ingestor exited while draining');
    const sample = procStatus(child.pid);
    if (sample) peakRssKb = Math.max(peakRssKb, sample.rssKb, sample.hwmKb);
    const now = await counters();
    if (now.done !== last.done) lastProgressAt = Date.now();
    last = now;
    if (now.done >= total) break;
    if (Date.now() - lastProgressAt > STALL_TIMEOUT_MS)
      throw fail(`no progress for ${STALL_TIMEOUT_MS / 1000} s at ${now.done}/${total}`);
    if (Date.now() - lastReport > 5_000) {
      lastReport = Date.now();
      log(
        `  provenant: ${now.done}/${total} (${Math.round((now.done - atReady.done) / seconds(Date.now() - readyAt))} events/s)`,
      );
    }
    await sleep(250);
  }
  const drainedAt = Date.now();
  const cpu = procCpuSeconds(child.pid);
  const final = procStatus(child.pid);
  if (final) peakRssKb = Math.max(peakRssKb, final.hwmKb);
  await stop();
  return {
    events: last.done - atReady.done,
    ms: drainedAt - readyAt,
    totalMs: drainedAt - spawned,
    startMs: readyAt - spawned,
    rssAtReadyMb,
    cpuSeconds: cpu !== null && cpuAtReady !== null ? cpu - cpuAtReady : null,
    peakRssMb: peakRssKb / 1024,
    stored: last.stored,
    duplicates: last.duplicates,
    deadLettered: last.deadLettered,
  };
}

// ---------------------------------------------------------------------------------------
// Contender 2: the naive per-message consumer, one Prisma call per entity.

async function runNaive({ kafka, databaseUrl, topic, total, suffix }) {
  const require = createRequire(import.meta.url);
  const { PrismaClient } = require(PRISMA_CLIENT);
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: 4 }),
  });
  await prisma.$connect();
  const disconnectPrisma = once(() => prisma.$disconnect());
  cleanups.push(disconnectPrisma);

  const consumer = kafka.consumer({ groupId: `bench-naive-${suffix}`, maxWaitTimeInMs: 500 });
  const disconnect = once(() => consumer.disconnect());
  cleanups.push(disconnect);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });

  const principal = (ref, tenant) =>
    prisma.principal.upsert({
      where: {
        reporter_tenant_issuer_subject: {
          reporter: tenant,
          tenant: ref.tenant ?? tenant,
          issuer: ref.issuer,
          subject: ref.id,
        },
      },
      create: {
        reporter: tenant,
        tenant: ref.tenant ?? tenant,
        issuer: ref.issuer,
        subject: ref.id,
        kind: ref.kind,
        displayName: ref.displayName ?? null,
      },
      update: ref.displayName ? { displayName: ref.displayName } : {},
    });
  const date = (value) => (value ? new Date(value) : undefined);
  const token = (ref, tenant, extra = {}) => {
    const fields = {
      issuer: ref.issuer,
      jti: ref.jti,
      fingerprint: ref.fingerprint,
      audience: ref.audience,
      scopes: ref.scopes,
      issuedAt: date(ref.issuedAt),
      expiresAt: date(ref.expiresAt),
      claims: ref.claims,
      ...extra,
    };
    for (const name of Object.keys(fields)) if (fields[name] === undefined) delete fields[name];
    return prisma.token.upsert({
      where: { reporter_key: { reporter: tenant, key: tokenKeyOf(ref) } },
      create: { reporter: tenant, key: tokenKeyOf(ref), tenant: ref.tenant ?? tenant, ...fields },
      update: fields,
    });
  };
  const request = (requestId, time) =>
    prisma.request.upsert({
      where: { requestId },
      create: { requestId, firstSeenAt: time, lastSeenAt: time },
      update: { lastSeenAt: time },
    });

  let handled = 0;
  let firstAt = 0;
  let lastAt = 0;
  let cpuAtFirst;
  let cpuSeconds = 0;
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  let lastReport = Date.now();

  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic: from, partition, message, pause }) => {
      if (firstAt === 0) {
        firstAt = Date.now();
        cpuAtFirst = process.cpuUsage();
      }
      if (handled >= NAIVE_MESSAGES || Date.now() - firstAt >= NAIVE_SECONDS * 1000) {
        pause();
        finish();
        return;
      }
      const e = JSON.parse(message.value.toString('utf8'));
      const tenant = e.tenantid;
      const time = new Date(e.time);
      const d = e.data;
      const event = await prisma.event.create({
        data: {
          source: e.source,
          ceId: e.id,
          type: e.type,
          tenant,
          targetTenant: e.type === 'provenant.action.performed' ? (d.target?.tenant ?? null) : null,
          requestId: d.requestId ?? null,
          time,
          traceparent: e.traceparent ?? null,
          data: d,
          topic: from,
          partition,
          offset: BigInt(message.offset),
        },
      });
      switch (e.type) {
        case 'provenant.token.exchanged': {
          const subject = await principal(d.subject, tenant);
          const actor = await principal(d.actor, tenant);
          await token(d.subjectToken, tenant);
          if (d.actorToken) await token(d.actorToken, tenant);
          await token(d.issuedToken, tenant, {
            parentKey: tokenKeyOf(d.subjectToken),
            ...(d.actorToken ? { actorTokenKey: tokenKeyOf(d.actorToken) } : {}),
          });
          await request(d.requestId, time);
          await prisma.tokenExchange.create({
            data: {
              eventId: event.id,
              requestId: d.requestId,
              tenant,
              subjectId: subject.id,
              actorId: actor.id,
              subjectTokenKey: tokenKeyOf(d.subjectToken),
              actorTokenKey: d.actorToken ? tokenKeyOf(d.actorToken) : null,
              issuedTokenKey: tokenKeyOf(d.issuedToken),
              grantType: d.grantType ?? null,
              occurredAt: time,
            },
          });
          break;
        }
        case 'provenant.action.performed': {
          const actor = await principal(d.actor, tenant);
          const onBehalfOf = d.onBehalfOf ? await principal(d.onBehalfOf, tenant) : null;
          if (d.token) await token(d.token, tenant);
          await request(d.requestId, time);
          await prisma.hop.create({
            data: {
              eventId: event.id,
              requestId: d.requestId,
              hopId: d.hopId,
              parentHopId: d.parentHopId ?? null,
              tenant,
              actorId: actor.id,
              onBehalfOfId: onBehalfOf?.id ?? null,
              toolName: d.tool?.name ?? null,
              toolServer: d.tool?.server ?? null,
              targetService: d.target.service,
              targetTenant: d.target.tenant ?? null,
              targetResource: d.target.resource ?? null,
              targetAction: d.target.action ?? null,
              tokenKey: d.token ? tokenKeyOf(d.token) : null,
              decision: d.decision,
              reason: d.reason ?? null,
              occurredAt: time,
            },
          });
          break;
        }
        case 'provenant.token.revoked':
          await token(d.token, tenant, {
            revokedAt: new Date(d.revokedAt),
            revokeReason: d.reason ?? null,
          });
          break;
        case 'provenant.principal.changed': {
          const subject = await principal(d.principal, tenant);
          await prisma.principalChange.create({
            data: {
              eventId: event.id,
              principalId: subject.id,
              change: d.change,
              effectiveAt: new Date(d.effectiveAt),
              tenant,
            },
          });
          break;
        }
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

// ---------------------------------------------------------------------------------------
// Contender 3: the limit reference, kafkajs eachBatch and COPY.

const STAGING = `
  CREATE TEMP TABLE s_principals (tenant text, issuer text, subject text, kind text, display_name text) ON COMMIT DELETE ROWS;
  CREATE TEMP TABLE s_tokens (key text, tenant text, issuer text, jti text, fingerprint text, audience text[], scopes text[],
    issued_at timestamptz, expires_at timestamptz, claims jsonb, parent_key text, actor_token_key text,
    revoked_at timestamptz, revoke_reason text) ON COMMIT DELETE ROWS;
  CREATE TEMP TABLE s_requests (request_id text, first_seen_at timestamptz, last_seen_at timestamptz) ON COMMIT DELETE ROWS;
  CREATE TEMP TABLE s_exchanges (event_id bigint, request_id text, tenant text, s_tenant text, s_issuer text, s_subject text,
    a_tenant text, a_issuer text, a_subject text, subject_token_key text, actor_token_key text, issued_token_key text,
    grant_type text, occurred_at timestamptz) ON COMMIT DELETE ROWS;
  CREATE TEMP TABLE s_hops (event_id bigint, request_id text, hop_id text, parent_hop_id text, tenant text,
    a_tenant text, a_issuer text, a_subject text, o_tenant text, o_issuer text, o_subject text, tool_name text,
    tool_server text, target_service text, target_tenant text, target_resource text, target_action text, token_key text,
    decision text, reason text, occurred_at timestamptz) ON COMMIT DELETE ROWS;
  CREATE TEMP TABLE s_changes (event_id bigint, p_tenant text, p_issuer text, p_subject text, change text,
    effective_at timestamptz, tenant text) ON COMMIT DELETE ROWS;`;

const MERGE = {
  // The generated events name only their own tenant's principals and tokens, so a record's
  // reporter is its tenant here.
  principals: `INSERT INTO principals (reporter, tenant, issuer, subject, kind, display_name)
    SELECT tenant, tenant, issuer, subject, kind::principal_kind, display_name FROM s_principals ORDER BY 1, 2, 3
    ON CONFLICT (reporter, tenant, issuer, subject) DO UPDATE SET display_name = EXCLUDED.display_name
    WHERE principals.display_name IS NULL AND EXCLUDED.display_name IS NOT NULL`,
  tokens: `INSERT INTO tokens (reporter, key, tenant, issuer, jti, fingerprint, audience, scopes, issued_at, expires_at, claims,
      parent_key, actor_token_key, revoked_at, revoke_reason)
    SELECT tenant, * FROM s_tokens ORDER BY key
    ON CONFLICT (reporter, key) DO UPDATE SET
      issuer = COALESCE(tokens.issuer, EXCLUDED.issuer),
      jti = COALESCE(tokens.jti, EXCLUDED.jti),
      fingerprint = COALESCE(tokens.fingerprint, EXCLUDED.fingerprint),
      audience = CASE WHEN cardinality(tokens.audience) = 0 THEN EXCLUDED.audience ELSE tokens.audience END,
      scopes = CASE WHEN cardinality(tokens.scopes) = 0 THEN EXCLUDED.scopes ELSE tokens.scopes END,
      issued_at = COALESCE(tokens.issued_at, EXCLUDED.issued_at),
      expires_at = COALESCE(tokens.expires_at, EXCLUDED.expires_at),
      claims = COALESCE(tokens.claims, EXCLUDED.claims),
      parent_key = COALESCE(tokens.parent_key, EXCLUDED.parent_key),
      actor_token_key = COALESCE(tokens.actor_token_key, EXCLUDED.actor_token_key),
      revoked_at = LEAST(tokens.revoked_at, EXCLUDED.revoked_at),
      revoke_reason = COALESCE(tokens.revoke_reason, EXCLUDED.revoke_reason)`,
  requests: `INSERT INTO requests (request_id, first_seen_at, last_seen_at)
    SELECT * FROM s_requests ORDER BY 1
    ON CONFLICT (request_id) DO UPDATE SET
      first_seen_at = LEAST(requests.first_seen_at, EXCLUDED.first_seen_at),
      last_seen_at = GREATEST(requests.last_seen_at, EXCLUDED.last_seen_at)`,
  exchanges: `INSERT INTO token_exchanges (event_id, request_id, tenant, subject_id, actor_id, subject_token_key,
      actor_token_key, issued_token_key, grant_type, occurred_at)
    SELECT x.event_id, x.request_id, x.tenant, s.id, a.id, x.subject_token_key, x.actor_token_key, x.issued_token_key,
           x.grant_type, x.occurred_at
    FROM s_exchanges x
    JOIN principals s ON s.tenant = x.s_tenant AND s.issuer = x.s_issuer AND s.subject = x.s_subject
    JOIN principals a ON a.tenant = x.a_tenant AND a.issuer = x.a_issuer AND a.subject = x.a_subject`,
  hops: `INSERT INTO hops (event_id, request_id, hop_id, parent_hop_id, tenant, actor_id, on_behalf_of_id, tool_name,
      tool_server, target_service, target_tenant, target_resource, target_action, token_key, decision, reason, occurred_at)
    SELECT h.event_id, h.request_id, h.hop_id, h.parent_hop_id, h.tenant, a.id, o.id, h.tool_name, h.tool_server,
           h.target_service, h.target_tenant, h.target_resource, h.target_action, h.token_key, h.decision::decision,
           h.reason, h.occurred_at
    FROM s_hops h
    JOIN principals a ON a.tenant = h.a_tenant AND a.issuer = h.a_issuer AND a.subject = h.a_subject
    LEFT JOIN principals o ON o.tenant = h.o_tenant AND o.issuer = h.o_issuer AND o.subject = h.o_subject
    ON CONFLICT (tenant, request_id, hop_id) DO NOTHING`,
  changes: `INSERT INTO principal_changes (event_id, principal_id, change, effective_at, tenant)
    SELECT c.event_id, p.id, c.change, c.effective_at, c.tenant
    FROM s_changes c JOIN principals p ON p.tenant = c.p_tenant AND p.issuer = c.p_issuer AND p.subject = c.p_subject`,
};

/** One batch's rows, de-duplicated as the real store does (first value wins, earliest revocation). */
function limitRows(messages, position) {
  const events = [];
  const principals = new Map();
  const tokens = new Map();
  const requests = new Map();
  const exchanges = [];
  const hops = [];
  const changes = [];
  const addPrincipal = (ref, tenant) => {
    const row = principalOf(ref, tenant);
    const key = principalKey(row);
    const seen = principals.get(key);
    if (!seen) principals.set(key, row);
    else if (!seen.displayName && row.displayName) seen.displayName = row.displayName;
    return row;
  };
  const addToken = (ref, tenant, extra) => {
    const row = tokenOf(ref, tenant, extra);
    const seen = tokens.get(row.key);
    if (!seen) {
      tokens.set(row.key, row);
      return;
    }
    for (const name of [
      'issuer',
      'jti',
      'fingerprint',
      'issuedAt',
      'expiresAt',
      'claims',
      'parentKey',
      'actorTokenKey',
      'revokeReason',
    ]) {
      if (seen[name] === null) seen[name] = row[name];
    }
    if (seen.audience.length === 0) seen.audience = row.audience;
    if (seen.scopes.length === 0) seen.scopes = row.scopes;
    if (
      row.revokedAt &&
      (!seen.revokedAt || Date.parse(row.revokedAt) < Date.parse(seen.revokedAt))
    )
      seen.revokedAt = row.revokedAt;
  };
  const addRequest = (requestId, time) => {
    const seen = requests.get(requestId);
    if (!seen) requests.set(requestId, { first: time, last: time });
    else {
      if (time < seen.first) seen.first = time;
      if (time > seen.last) seen.last = time;
    }
  };
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    const e = JSON.parse(message.value.toString('utf8'));
    const tenant = e.tenantid;
    const d = e.data;
    const eventIndex = events.length;
    events.push({ e, offset: message.offset });
    switch (e.type) {
      case 'provenant.token.exchanged': {
        const subject = addPrincipal(d.subject, tenant);
        const actor = addPrincipal(d.actor, tenant);
        addToken(d.subjectToken, tenant);
        addToken(d.issuedToken, tenant, {
          parentKey: tokenKeyOf(d.subjectToken),
          actorTokenKey: d.actorToken ? tokenKeyOf(d.actorToken) : null,
        });
        if (d.actorToken) addToken(d.actorToken, tenant);
        addRequest(d.requestId, e.time);
        exchanges.push({ eventIndex, d, e, subject, actor });
        break;
      }
      case 'provenant.action.performed': {
        const actor = addPrincipal(d.actor, tenant);
        const onBehalfOf = d.onBehalfOf ? addPrincipal(d.onBehalfOf, tenant) : null;
        if (d.token) addToken(d.token, tenant);
        addRequest(d.requestId, e.time);
        hops.push({ eventIndex, d, e, actor, onBehalfOf });
        break;
      }
      case 'provenant.token.revoked':
        addToken(d.token, tenant, { revokedAt: d.revokedAt, revokeReason: d.reason ?? null });
        break;
      case 'provenant.principal.changed': {
        const subject = addPrincipal(d.principal, tenant);
        changes.push({ eventIndex, d, e, subject });
        break;
      }
    }
  }
  return {
    events,
    principals: [...principals.values()],
    tokens: [...tokens.values()],
    requests,
    exchanges,
    hops,
    changes,
    position,
  };
}

/** COPY rows into a staging table, then merge them into the real one. */
async function stageAndMerge(client, stagingTable, fieldRows, merge) {
  await copyFrom(client, `COPY ${stagingTable} FROM STDIN`, copyPayload(fieldRows));
  await client.query(merge);
}

async function limitBatch(client, batch) {
  const rows = limitRows(batch.messages, batch);
  const { topic, partition } = batch;
  await client.query('BEGIN');
  try {
    const ids = (
      await client.query({
        text: `SELECT nextval('events_id_seq')::text AS id FROM generate_series(1, $1)`,
        values: [rows.events.length],
        rowMode: 'array',
      })
    ).rows;
    const eventId = (index) => ids[index][0];
    await copyFrom(
      client,
      'COPY events (id, source, ce_id, type, tenant, target_tenant, request_id, time, traceparent, data, topic, partition, "offset") FROM STDIN',
      copyPayload(
        rows.events.map(({ e, offset }, index) => [
          eventId(index),
          field(e.source),
          field(e.id),
          field(e.type),
          field(e.tenantid),
          field(e.type === 'provenant.action.performed' ? e.data.target?.tenant : null),
          field(e.data.requestId),
          field(e.time),
          field(e.traceparent),
          jsonField(e.data),
          field(topic),
          partition,
          offset,
        ]),
      ),
    );
    if (rows.principals.length > 0) {
      await stageAndMerge(
        client,
        's_principals',
        rows.principals.map((p) => [
          field(p.tenant),
          field(p.issuer),
          field(p.subject),
          field(p.kind),
          field(p.displayName),
        ]),
        MERGE.principals,
      );
    }
    if (rows.tokens.length > 0) {
      await stageAndMerge(
        client,
        's_tokens',
        rows.tokens.map((t) => [
          field(t.key),
          field(t.tenant),
          field(t.issuer),
          field(t.jti),
          field(t.fingerprint),
          arrayField(t.audience),
          arrayField(t.scopes),
          field(t.issuedAt),
          field(t.expiresAt),
          jsonField(t.claims),
          field(t.parentKey),
          field(t.actorTokenKey),
          field(t.revokedAt),
          field(t.revokeReason),
        ]),
        MERGE.tokens,
      );
    }
    if (rows.requests.size > 0) {
      await stageAndMerge(
        client,
        's_requests',
        [...rows.requests].map(([id, r]) => [field(id), field(r.first), field(r.last)]),
        MERGE.requests,
      );
    }
    if (rows.exchanges.length > 0) {
      await stageAndMerge(
        client,
        's_exchanges',
        rows.exchanges.map(({ eventIndex, d, e, subject, actor }) => [
          eventId(eventIndex),
          field(d.requestId),
          field(e.tenantid),
          field(subject.tenant),
          field(subject.issuer),
          field(subject.subject),
          field(actor.tenant),
          field(actor.issuer),
          field(actor.subject),
          field(tokenKeyOf(d.subjectToken)),
          field(d.actorToken ? tokenKeyOf(d.actorToken) : null),
          field(tokenKeyOf(d.issuedToken)),
          field(d.grantType),
          field(e.time),
        ]),
        MERGE.exchanges,
      );
    }
    if (rows.hops.length > 0) {
      await stageAndMerge(
        client,
        's_hops',
        rows.hops.map(({ eventIndex, d, e, actor, onBehalfOf }) => [
          eventId(eventIndex),
          field(d.requestId),
          field(d.hopId),
          field(d.parentHopId),
          field(e.tenantid),
          field(actor.tenant),
          field(actor.issuer),
          field(actor.subject),
          field(onBehalfOf?.tenant),
          field(onBehalfOf?.issuer),
          field(onBehalfOf?.subject),
          field(d.tool?.name),
          field(d.tool?.server),
          field(d.target.service),
          field(d.target.tenant),
          field(d.target.resource),
          field(d.target.action),
          field(d.token ? tokenKeyOf(d.token) : null),
          field(d.decision),
          field(d.reason),
          field(e.time),
        ]),
        MERGE.hops,
      );
    }
    if (rows.changes.length > 0) {
      await stageAndMerge(
        client,
        's_changes',
        rows.changes.map(({ eventIndex, d, e, subject }) => [
          eventId(eventIndex),
          field(subject.tenant),
          field(subject.issuer),
          field(subject.subject),
          field(d.change),
          field(d.effectiveAt),
          field(e.tenantid),
        ]),
        MERGE.changes,
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return rows.events.length;
}

async function runLimit({ kafka, pg, databaseUrl, topic, total, suffix }) {
  const client = new pg.Client({ connectionString: databaseUrl });
  const endClient = once(() => client.end());
  cleanups.push(endClient);
  await client.connect();
  await client.query(STAGING);

  const consumer = kafka.consumer({
    groupId: `bench-limit-${suffix}`,
    maxWaitTimeInMs: 500,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  const disconnect = once(() => consumer.disconnect());
  cleanups.push(disconnect);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });

  let handled = 0;
  let firstAt = 0;
  let cpuAtFirst;
  let failure;
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  let lastReport = Date.now();
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      if (batch.messages.length === 0 || !isRunning() || isStale()) return;
      if (firstAt === 0) {
        firstAt = Date.now();
        cpuAtFirst = process.cpuUsage();
      }
      try {
        handled += await limitBatch(client, batch);
      } catch (error) {
        failure = error;
        finish();
        throw error;
      }
      resolveOffset(batch.lastOffset());
      await consumer.commitOffsets([
        {
          topic: batch.topic,
          partition: batch.partition,
          offset: (BigInt(batch.lastOffset()) + 1n).toString(),
        },
      ]);
      await heartbeat();
      if (handled >= total) finish();
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        log(
          `  limit: ${handled}/${total} (${Math.round(handled / seconds(Date.now() - firstAt))} events/s)`,
        );
      }
    },
  });
  const deadline = setTimeout(
    () => {
      failure ??= new Error(`the limit reference did not drain the topic (${handled}/${total})`);
      finish();
    },
    30 * 60 * 1000,
  );
  await finished;
  clearTimeout(deadline);
  const ms = Date.now() - firstAt;
  const cpu = process.cpuUsage(cpuAtFirst);
  await disconnect();
  await endClient();
  if (failure) throw failure;
  return { events: handled, ms, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

// ---------------------------------------------------------------------------------------

async function rowCounts(pg, databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT
      (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM principals)::int AS principals,
      (SELECT count(*) FROM tokens)::int AS tokens, (SELECT count(*) FROM requests)::int AS requests,
      (SELECT count(*) FROM token_exchanges)::int AS exchanges, (SELECT count(*) FROM hops)::int AS hops,
      (SELECT count(*) FROM tokens WHERE revoked_at IS NOT NULL)::int AS revoked,
      (SELECT count(*) FROM anomalies)::int AS anomalies`);
    return rows[0];
  } finally {
    await client.end();
  }
}

const fmt = (value, digits = 0) =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '-'
    : value.toLocaleString('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
const pad = (cells, widths) =>
  cells
    .map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i])))
    .join('  ');
const round = (value, digits) => Math.round(value * 10 ** digits) / 10 ** digits;

async function main() {
  const benchStarted = Date.now();
  const build = process.env.BENCH_NO_BUILD !== '1';
  log(
    `preparing the checkout (dependencies, Prisma client${build ? ', build' : '; BENCH_NO_BUILD=1: the existing build is used'})`,
  );
  // setup() of scripts/setup.mjs, through its command line so that compiler and generator
  // output goes to stderr and stdout keeps the figures only.
  const prepared = spawnSync(
    process.execPath,
    [join(ROOT, 'scripts/setup.mjs'), ...(build ? ['--build'] : [])],
    {
      cwd: ROOT,
      stdio: ['ignore', 2, 2],
    },
  );
  if (prepared.status !== 0)
    throw new Error(
      `scripts/setup.mjs${build ? ' --build' : ''} failed (exit ${prepared.status ?? prepared.signal})`,
    );
  const { default: kafkajs } = await import('kafkajs');
  const { default: pg } = await import('pg');
  const { createDatabase, dropDatabase, migrate, DEFAULT_DATABASE_URL } = await import('./db.mjs');
  const { Kafka, logLevel } = kafkajs;

  const suffix = randomBytes(4).toString('hex');
  const server = new URL(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  const databaseUrl = (name) => {
    const url = new URL(server);
    url.pathname = `/provenant_bench_${suffix}_${name}`;
    return url.toString();
  };
  const urls = {
    provenant: databaseUrl('ingestor'),
    naive: databaseUrl('naive'),
    limit: databaseUrl('limit'),
  };
  for (const url of Object.values(urls)) {
    cleanups.push(() => dropDatabase(url));
    await createDatabase(url);
    await migrate(url);
  }
  log(`databases provenant_bench_${suffix}_{ingestor,naive,limit} created and migrated`);

  const broker = await startKafka({ port: await freePort(), log: (line) => log(`  ${line}`) });
  cleanups.push(once(() => broker.stop()));
  const kafka = new Kafka({
    clientId: `bench-${suffix}`,
    brokers: [broker.brokers],
    logLevel: logLevel.ERROR,
    logCreator:
      () =>
      ({ log: entry }) =>
        log(`  kafkajs: ${entry.message}${entry.error ? ` (${entry.error})` : ''}`),
  });

  const topic = `bench-delegation-events-${suffix}`;
  log(`preloading ${topic} (${PARTITIONS} partitions) with ${REQUESTS} requests of traffic`);
  const loaded = await preload(kafka, topic);
  const total = loaded.events;
  log(
    `preloaded ${total} events (${loaded.exchanges} exchanges, ${loaded.hops} hops, ${loaded.revocations} revocations, ` +
      `${(loaded.bytes / 1024 / 1024).toFixed(0)} MB) in ${seconds(loaded.ms).toFixed(1)} s`,
  );

  log('contender 1/3: provenant ingestor');
  const provenant = await runIngestor({
    brokers: broker.brokers,
    databaseUrl: urls.provenant,
    topic,
    total,
    suffix,
  });
  log(
    `  drained in ${seconds(provenant.ms).toFixed(1)} s, peak RSS ${provenant.peakRssMb.toFixed(0)} MB`,
  );

  log('contender 2/3: limit reference (kafkajs eachBatch + COPY, no validation)');
  const limit = await runLimit({ kafka, pg, databaseUrl: urls.limit, topic, total, suffix });
  log(`  drained in ${seconds(limit.ms).toFixed(1)} s`);

  log(`contender 3/3: naive reference (first ${NAIVE_MESSAGES} messages or ${NAIVE_SECONDS} s)`);
  const naive = await runNaive({ kafka, databaseUrl: urls.naive, topic, total, suffix });
  log(`  ${naive.events} messages in ${seconds(naive.ms).toFixed(1)} s`);

  const counts = {
    provenant: await rowCounts(pg, urls.provenant),
    limit: await rowCounts(pg, urls.limit),
    naive: await rowCounts(pg, urls.naive),
  };

  const rate = (r) => r.events / seconds(r.ms);
  const eventsPerSec = rate(provenant);
  const naiveEventsPerSec = rate(naive);
  const limitEventsPerSec = rate(limit);
  const vsNaive = eventsPerSec / naiveEventsPerSec;
  const vsLimit = eventsPerSec / limitEventsPerSec;

  const widths = [36, 9, 9, 10, 10, 12];
  out();
  out(
    `Ingestion benchmark: ${fmt(total)} events (${fmt(loaded.exchanges)} exchanges, ${fmt(loaded.hops)} hops, ${fmt(loaded.revocations)} revocations), ${PARTITIONS} partitions`,
  );
  out(
    `Topic preloaded in ${seconds(loaded.ms).toFixed(1)} s (${fmt(total / seconds(loaded.ms))} events/s produced)`,
  );
  out();
  out(pad(['contender', 'events', 'seconds', 'events/s', 'CPU s', 'provenant is'], widths));
  out(
    pad(
      [
        'provenant ingestor',
        fmt(provenant.events),
        fmt(seconds(provenant.ms), 1),
        fmt(eventsPerSec),
        fmt(provenant.cpuSeconds, 1),
        '',
      ],
      widths,
    ),
  );
  out(
    pad(
      [
        'limit: kafkajs + COPY, no checks',
        fmt(limit.events),
        fmt(seconds(limit.ms), 1),
        fmt(limitEventsPerSec),
        fmt(limit.cpuSeconds, 1),
        `${fmt(vsLimit, 2)}x`,
      ],
      widths,
    ),
  );
  out(
    pad(
      [
        'naive: Prisma per entity (sample)',
        fmt(naive.events),
        fmt(seconds(naive.ms), 1),
        fmt(naiveEventsPerSec),
        fmt(naive.cpuSeconds, 1),
        `${fmt(vsNaive, 1)}x`,
      ],
      widths,
    ),
  );
  out();
  out(
    `provenant: ready ${seconds(provenant.startMs).toFixed(1)} s after spawn, drained ${seconds(provenant.totalMs).toFixed(1)} s after spawn; ` +
      `peak RSS ${fmt(provenant.peakRssMb)} MB (${fmt(provenant.rssAtReadyMb)} MB when ready); stored ${fmt(provenant.stored)}, duplicates ${fmt(provenant.duplicates)}, dead-lettered ${fmt(provenant.deadLettered)}.`,
  );
  out(
    `naive: measured on the first ${fmt(naive.events)} messages (an empty database), its rate extrapolated to the whole topic: ` +
      `~${fmt(total / naiveEventsPerSec / 60, 0)} min for ${fmt(total)} events.`,
  );
  out(
    'limit: JSON.parse only, no validation, no credential scrubbing, no anomaly rules; COPY text format, staging tables merged',
  );
  out(
    '       with INSERT ... ON CONFLICT; one transaction and one offset commit per batch. CPU s is the consumer process only,',
  );
  out('       PostgreSQL and the broker are not counted.');
  out();
  const cw = [12, 9, 11, 9, 9, 10, 8, 8, 10];
  out(
    pad(
      [
        'rows',
        'events',
        'principals',
        'tokens',
        'requests',
        'exchanges',
        'hops',
        'revoked',
        'anomalies',
      ],
      cw,
    ),
  );
  for (const [name, c] of Object.entries(counts)) {
    out(
      pad(
        [
          name,
          fmt(c.events),
          fmt(c.principals),
          fmt(c.tokens),
          fmt(c.requests),
          fmt(c.exchanges),
          fmt(c.hops),
          fmt(c.revoked),
          fmt(c.anomalies),
        ],
        cw,
      ),
    );
  }
  const problems = [];
  for (const name of ['provenant', 'limit']) {
    const c = counts[name];
    if (c.events !== total || c.exchanges !== loaded.exchanges || c.hops !== loaded.hops) {
      problems.push(
        `${name} stored ${c.events} events, ${c.exchanges} exchanges, ${c.hops} hops; expected ${total}, ${loaded.exchanges}, ${loaded.hops}`,
      );
    }
  }
  for (const name of ['principals', 'tokens', 'requests', 'revoked']) {
    if (counts.provenant[name] !== counts.limit[name])
      problems.push(`${name}: provenant ${counts.provenant[name]}, limit ${counts.limit[name]}`);
  }
  out(
    problems.length === 0
      ? 'row check: provenant and limit stored the same graph, every event exactly once'
      : `row check FAILED: ${problems.join('; ')}`,
  );
  out();
  const verdict = (ok) => (ok ? 'ok' : 'MISSED');
  out(
    `targets: >= ${fmt(TARGETS.eventsPerSec)} events/s ${verdict(eventsPerSec >= TARGETS.eventsPerSec)}, ` +
      `>= ${TARGETS.vsNaive}x naive ${verdict(vsNaive >= TARGETS.vsNaive)}, >= ${TARGETS.vsLimit} of limit ${verdict(vsLimit >= TARGETS.vsLimit)}, ` +
      `RSS < ${TARGETS.peakRssMb} MB ${verdict(provenant.peakRssMb < TARGETS.peakRssMb)}`,
  );
  out(`whole benchmark: ${seconds(Date.now() - benchStarted).toFixed(0)} s`);
  out(
    JSON.stringify({
      bench: 'ingest',
      events: total,
      eventsPerSec: Math.round(eventsPerSec),
      naiveEventsPerSec: Math.round(naiveEventsPerSec),
      limitEventsPerSec: Math.round(limitEventsPerSec),
      vsNaive: round(vsNaive, 1),
      vsLimit: round(vsLimit, 2),
      peakRssMb: Math.round(provenant.peakRssMb),
    }),
  );
}

try {
  await main();
} catch (error) {
  log(`failed: ${error.stack ?? error.message}`);
  process.exitCode = 1;
} finally {
  log('cleaning up (broker, databases)');
  await cleanUp();
}
// kafkajs and pg may leave timers behind after disconnecting.
process.exit(process.exitCode ?? 0);
