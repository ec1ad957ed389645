// Ingestion benchmark: how fast Provenant's ingestor drains a Kafka topic of realistic
// delegation events into PostgreSQL, next to two references measured in the same run on
// the same broker, the same topic and the same database server.
//
//   npm run bench:ingest                 the full size (~225,000 events)
//   BENCH_SMOKE=1 npm run bench:ingest   a few hundred events, to see that it works
//
// What it does:
//   1. builds the apps, starts its own single-node broker (free port, temporary folder) and
//      creates one fresh, migrated database per contender;
//   2. preloads a 6-partition topic with ~225,000 structured CloudEvents from
//      tools/bench/traffic.ts (45,000 requests, chains of depth 2 to 5, thousands of
//      principals), lightly shuffled, key = requestId (ingest/preload.ts);
//   3. drains that topic three times, each in its own consumer group:
//      - provenant: the built ingestor as a real process (ingest/provenant.ts);
//      - naive: one Prisma call per entity and a commit per message, on the first
//        BENCH_NAIVE_MESSAGES messages or BENCH_NAIVE_SECONDS seconds, whichever comes
//        first, its rate extrapolated (ingest/naive.ts);
//      - limit: kafkajs eachBatch, JSON.parse only, COPY into staging tables merged with
//        INSERT ... ON CONFLICT, one transaction and one commit per batch (ingest/limit.ts);
//   4. checks the row counts each contender stored (a wrong graph fails the run), prints a
//      table, and as its very last line the JSON figures:
//      {"bench":"ingest","events":...,"eventsPerSec":...,...} (with "smoke":true at smoke size).
//
// Progress goes to stderr; the table and the JSON line to stdout. The broker and the
// databases are removed at the end, also on failure or Ctrl-C.
//
// Knobs (environment): BENCH_REQUESTS (45000; smoke 60), BENCH_NAIVE_MESSAGES (8000;
// smoke 100), BENCH_NAIVE_SECONDS (30; smoke 10), BENCH_INGESTOR_NODE_ARGS (extra node
// arguments for the ingestor process only, e.g. "--max-old-space-size=256"), BENCH_NO_BUILD=1
// (measure the build already in dist/ instead of compiling first), DATABASE_URL (the
// PostgreSQL server to use; the database name in it is ignored).
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import {
  createDatabase,
  DEFAULT_DATABASE_URL,
  dropDatabase,
  freePort,
  migrate,
  prepareCheckout,
  startKafka,
} from '../infra';
import { runLimit } from './ingest/limit';
import { runNaive } from './ingest/naive';
import { preload } from './ingest/preload';
import { runIngestor } from './ingest/provenant';
import {
  envNumber,
  fmt,
  log,
  onCleanUp,
  once,
  out,
  pad,
  round,
  runBenchmark,
  seconds,
  SMOKE,
  verdict,
} from './kit';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const REQUESTS = envNumber('BENCH_REQUESTS', 45_000, { smoke: 60, integer: true });
const NAIVE_MESSAGES = envNumber('BENCH_NAIVE_MESSAGES', 8_000, { smoke: 100, integer: true });
const NAIVE_SECONDS = envNumber('BENCH_NAIVE_SECONDS', 30, { smoke: 10, integer: true });
const PARTITIONS = 6;
const TARGETS = { eventsPerSec: 10_000, vsNaive: 20, vsLimit: 0.5, peakRssMb: 400 };

interface RowCounts {
  events: number;
  principals: number;
  tokens: number;
  requests: number;
  exchanges: number;
  hops: number;
  revoked: number;
  anomalies: number;
}

async function rowCounts(databaseUrl: string): Promise<RowCounts> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<RowCounts>(`SELECT
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

async function main(): Promise<void> {
  const benchStarted = Date.now();
  const build = process.env.BENCH_NO_BUILD !== '1';
  log(
    `preparing the checkout (Prisma client${build ? ', build' : '; BENCH_NO_BUILD=1: the existing build is used'})` +
      (SMOKE ? '; BENCH_SMOKE=1: smoke size' : ''),
  );
  // Compiler and generator output to stderr: stdout keeps the figures only.
  prepareCheckout({ withBuild: build, stdio: 'stderr' });

  const suffix = randomBytes(4).toString('hex');
  const server = new URL(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  const databaseUrl = (name: string) => {
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
    onCleanUp(() => dropDatabase(url));
    await createDatabase(url);
    await migrate(url);
  }
  log(`databases provenant_bench_${suffix}_{ingestor,naive,limit} created and migrated`);

  const broker = await startKafka({ port: await freePort(), log: (line) => log(`  ${line}`) });
  onCleanUp(once(() => broker.stop()));
  const kafka = new Kafka({
    clientId: `bench-${suffix}`,
    brokers: [broker.brokers],
    logLevel: logLevel.ERROR,
    logCreator:
      () =>
      ({ log: entry }) =>
        log(
          `  kafkajs: ${entry.message}${entry.error ? ` (${String(entry.error as unknown)})` : ''}`,
        ),
  });

  const topic = `bench-delegation-events-${suffix}`;
  log(`preloading ${topic} (${PARTITIONS} partitions) with ${REQUESTS} requests of traffic`);
  const loaded = await preload(kafka, { topic, partitions: PARTITIONS, requests: REQUESTS });
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
    partitions: PARTITIONS,
    total,
    suffix,
  });
  log(
    `  drained in ${seconds(provenant.ms).toFixed(1)} s, peak RSS ${provenant.peakRssMb.toFixed(0)} MB`,
  );

  log('contender 2/3: limit reference (kafkajs eachBatch + COPY, no validation)');
  const limit = await runLimit({ kafka, databaseUrl: urls.limit, topic, total, suffix });
  log(`  drained in ${seconds(limit.ms).toFixed(1)} s`);

  log(`contender 3/3: naive reference (first ${NAIVE_MESSAGES} messages or ${NAIVE_SECONDS} s)`);
  const naive = await runNaive({
    kafka,
    databaseUrl: urls.naive,
    topic,
    total,
    suffix,
    maxMessages: NAIVE_MESSAGES,
    maxSeconds: NAIVE_SECONDS,
  });
  log(`  ${naive.events} messages in ${seconds(naive.ms).toFixed(1)} s`);

  const counts = {
    provenant: await rowCounts(urls.provenant),
    limit: await rowCounts(urls.limit),
    naive: await rowCounts(urls.naive),
  };
  // A reference that stored next to nothing measured nothing: fail rather than print it.
  if (counts.naive.events < naive.events / 2)
    throw new Error(
      `the naive reference stored ${counts.naive.events} of the ${naive.events} events it read`,
    );

  const rate = (r: { events: number; ms: number }) => r.events / seconds(r.ms);
  const eventsPerSec = rate(provenant);
  const naiveEventsPerSec = rate(naive);
  const limitEventsPerSec = rate(limit);
  const vsNaive = eventsPerSec / naiveEventsPerSec;
  const vsLimit = eventsPerSec / limitEventsPerSec;

  const widths = [36, 9, 9, 10, 10, 12];
  out();
  out(
    `Ingestion benchmark${SMOKE ? ' (smoke size: it works; its figures are not comparable)' : ''}: ` +
      `${fmt(total)} events (${fmt(loaded.exchanges)} exchanges, ${fmt(loaded.hops)} hops, ${fmt(loaded.revocations)} revocations), ${PARTITIONS} partitions`,
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
  const problems: string[] = [];
  for (const name of ['provenant', 'limit'] as const) {
    const c = counts[name];
    if (c.events !== total || c.exchanges !== loaded.exchanges || c.hops !== loaded.hops) {
      problems.push(
        `${name} stored ${c.events} events, ${c.exchanges} exchanges, ${c.hops} hops; expected ${total}, ${loaded.exchanges}, ${loaded.hops}`,
      );
    }
  }
  for (const name of ['principals', 'tokens', 'requests', 'revoked'] as const) {
    if (counts.provenant[name] !== counts.limit[name])
      problems.push(`${name}: provenant ${counts.provenant[name]}, limit ${counts.limit[name]}`);
  }
  out(
    problems.length === 0
      ? 'row check: provenant and limit stored the same graph, every event exactly once'
      : `row check FAILED: ${problems.join('; ')}`,
  );
  out();
  out(
    `targets${SMOKE ? ' (not judged at smoke size)' : ''}: >= ${fmt(TARGETS.eventsPerSec)} events/s ${verdict(eventsPerSec >= TARGETS.eventsPerSec)}, ` +
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
      ...(SMOKE ? { smoke: true } : {}),
    }),
  );
  // A wrong graph is a broken benchmark (or ingestor), whatever its speed.
  if (problems.length > 0) process.exitCode = 1;
}

runBenchmark(main, 'cleaning up (broker, databases)');
