// Ledger benchmark: what the tamper-evident ledger costs ingestion, how soon a stored event
// is in a signed checkpoint, how fast the API serves inclusion proofs from a large tree, and
// how fast an auditor checks them.
//
//   npm run bench:ledger                 15,000 requests of traffic; 1,000,000 leaves
//   BENCH_SMOKE=1 npm run bench:ledger   a few hundred events and 2,000 leaves
//
// What it does:
//   1. builds the apps, starts its own broker and preloads a 6-partition topic with realistic
//      traffic (tools/bench/traffic.ts, as bench:ingest);
//   2. drains that topic with the built ingestor four times, each into a fresh database and
//      its own consumer group, alternately with the ledger off (LEDGER_INTEGRATION=false:
//      events are stored and queued for the ledger, nothing sequenced, hashed or signed) and
//      on (the default: sequencing, leaves, subtree hashes and signed checkpoints in the same
//      process while it ingests): off, on, on, off (BENCH_LEDGER_PAIRS pairs, each the mirror
//      of the last). The rates are compared by their medians;
//   3. for each run with the ledger on, waits until a signed checkpoint covers every event,
//      then reads from the database, per event, the lag from the storing transaction
//      (`events.received_at`) to the signing of the first checkpoint that covers its leaf
//      (`ledger_checkpoints.signed_at`): p50, p99, max;
//   4. loads 1,000,000 events with SQL into another database, makes them leaves with the
//      ingestor's integrator, signs one checkpoint, starts the API and asks, one at a time
//      over one keep-alive connection, for inclusion proofs of random leaves (by index and by
//      event id), interleaved with the reference: GET /v1/ledger/checkpoint (one indexed row,
//      the same authentication and HTTP path); every proof is checked against the checkpoint;
//   5. the verifier: the checks `npm run verify` makes per record (leaf hash of the record,
//      then the RFC 9162 audit path to the signed root) over the fetched proofs, against the
//      reference of the same SHA-256 work done directly with node:crypto;
//   6. prints a table and, last, the JSON figures (CONTRACT §8).
//
// Targets (issue): ingest at most 10 % slower with the ledger; lag p99 under 2 s at the
// benchmark's rate; inclusion proofs p99 under 20 ms at 1,000,000 leaves.
// Knobs: BENCH_REQUESTS (15000; smoke 60), BENCH_LEDGER_LEAVES (1000000; smoke 2000),
// BENCH_PROOFS (2000; smoke 100), BENCH_LEDGER_PAIRS (2; smoke 1), BENCH_NO_BUILD=1, BENCH_INGESTOR_NODE_ARGS,
// BENCH_API_NODE_ARGS, DATABASE_URL (the server to use; the database name is ignored).
import {
  CheckpointSigner,
  LedgerTree,
  leafHash,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  verifyInclusion,
  type Checkpoint,
} from '@app/ledger';
import { DatabaseService, LedgerRepository } from '@app/persistence';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { freePort, prepareCheckout, startKafka } from '../infra';
import {
  DEV_LEDGER_NAME,
  DEV_LEDGER_SIGNER,
  DEV_LEDGER_VERIFIER,
  ensureDevLedgerKeys,
  signDevToken,
} from '../infra/dev-keys';
import { sleep } from '../infra/wait';
import { brokerForApi, freshDatabase, startApi } from './api-stack';
import { loadEvents, TENANTS } from './export/load';
import { preload } from './ingest/preload';
import { runIngestor, type IngestorResult } from './ingest/provenant';
import {
  elapsedMs,
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
  summary,
  verdict,
} from './kit';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const REQUESTS = envNumber('BENCH_REQUESTS', 15_000, { smoke: 60, integer: true });
const LEAVES = envNumber('BENCH_LEDGER_LEAVES', 1_000_000, { smoke: 2_000, integer: true });
const PROOFS = envNumber('BENCH_PROOFS', 2_000, { smoke: 100, integer: true });
const WARMUP = SMOKE ? 20 : 200;
const PARTITIONS = 6;
// Pairs of runs, each pair the mirror of the last (off on, on off, off on, …), so that a
// machine getting busier or quieter during the benchmark weighs on both sides alike.
const PAIRS = envNumber('BENCH_LEDGER_PAIRS', 2, { smoke: 1, integer: true });
type Mode = 'off' | 'on';
const ORDER: Mode[] = Array.from({ length: PAIRS }, (_, i): Mode[] =>
  i % 2 === 0 ? ['off', 'on'] : ['on', 'off'],
).flat();
const SETTLE_TIMEOUT_MS = 120_000;
const POLL_MS = 50;
const TARGETS = { slowdown: 0.1, lagP99Ms: 2_000, proofP99Ms: 20 };

interface IngestRun {
  mode: Mode;
  result: IngestorResult;
  /** From the start of the storing transaction (as PostgreSQL recorded it). */
  lag?: { p50: number; p99: number; max: number; checkpoints: number };
  /** From the commit, as an outside observer saw it. */
  commitLag?: ReturnType<typeof summary>;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const rate = (result: IngestorResult) => result.events / seconds(result.ms);

async function withClient<T>(databaseUrl: string, work: (client: Client) => Promise<T>) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Waits until a signed checkpoint covers every stored event. */
async function settle(databaseUrl: string): Promise<void> {
  const started = Date.now();
  await withClient(databaseUrl, async (client) => {
    for (;;) {
      const { rows } = await client.query<{ events: number; signed: number }>(
        `SELECT (SELECT count(*) FROM events)::int AS events,
                (SELECT coalesce(max(tree_size), 0) FROM ledger_checkpoints)::int AS signed`,
      );
      if (rows[0].signed >= rows[0].events) return;
      if (Date.now() - started > SETTLE_TIMEOUT_MS)
        throw new Error(
          `no checkpoint covered the ${rows[0].events} events within ${SETTLE_TIMEOUT_MS / 1000} s (signed: ${rows[0].signed})`,
        );
      await sleep(100);
    }
  });
}

/**
 * Watches, every POLL_MS from outside, the newest committed event and the largest signed
 * checkpoint: when each event became visible, and when a checkpoint covering it did.
 */
function watchCommits(databaseUrl: string) {
  const samples: Array<{ at: number; maxId: number; signed: number }> = [];
  const client = new Client({ connectionString: databaseUrl });
  let stopped = false;
  const running = (async () => {
    await client.connect();
    while (!stopped) {
      const { rows } = await client.query<{ id: string | null; signed: string | null }>(
        `SELECT (SELECT max(id) FROM events)::text AS id,
                (SELECT max(tree_size) FROM ledger_checkpoints)::text AS signed`,
      );
      samples.push({
        at: Date.now(),
        maxId: Number(rows[0].id ?? 0),
        signed: Number(rows[0].signed ?? 0),
      });
      await sleep(POLL_MS);
    }
    await client.end();
  })();
  return {
    /** Stops watching; per event, from its commit to its first signed checkpoint, in ms. */
    async lags(): Promise<number[]> {
      stopped = true;
      await running;
      const { rows } = await withClient(databaseUrl, (c) =>
        c.query<{ id: string; leaf: string }>(
          'SELECT event_id::text AS id, leaf_index::text AS leaf FROM ledger_entries ORDER BY event_id',
        ),
      );
      // Events commit in id order here (one batch at a time); both figures only grow.
      const events = rows.map((row) => ({ id: Number(row.id), leaf: Number(row.leaf) }));
      const committedAt = new Map<number, number>();
      let i = 0;
      for (const event of events) {
        while (i < samples.length - 1 && samples[i].maxId < event.id) i += 1;
        committedAt.set(event.leaf, samples[i].at);
      }
      events.sort((a, b) => a.leaf - b.leaf);
      const lags: number[] = [];
      let j = 0;
      for (const event of events) {
        while (j < samples.length && samples[j].signed <= event.leaf) j += 1;
        if (j === samples.length) throw new Error(`leaf ${event.leaf} was never seen signed`);
        lags.push(samples[j].at - committedAt.get(event.leaf)!);
      }
      return lags;
    },
  };
}

/** Per event: from its storing transaction to the first signed checkpoint covering its leaf. */
function integrationLag(databaseUrl: string): Promise<NonNullable<IngestRun['lag']>> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{
      p50: number;
      p99: number;
      max: number;
      checkpoints: number;
      covered: number;
      events: number;
    }>(
      `WITH lag AS (
         SELECT extract(epoch FROM c.signed_at - e.received_at) * 1000 AS ms
         FROM ledger_entries l
         JOIN events e ON e.id = l.event_id
         CROSS JOIN LATERAL (
           SELECT signed_at FROM ledger_checkpoints c WHERE c.tree_size > l.leaf_index
           ORDER BY c.tree_size LIMIT 1) c)
       SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY ms)::float8 AS p50,
              percentile_disc(0.99) WITHIN GROUP (ORDER BY ms)::float8 AS p99,
              max(ms)::float8 AS max, count(*)::int AS covered,
              (SELECT count(*) FROM ledger_checkpoints)::int AS checkpoints,
              (SELECT count(*) FROM events)::int AS events
       FROM lag`,
    );
    const row = rows[0];
    if (row.covered !== row.events)
      throw new Error(`${row.covered} of ${row.events} events are in a signed checkpoint`);
    return { p50: row.p50, p99: row.p99, max: row.max, checkpoints: row.checkpoints };
  });
}

/** With the ledger off, nothing is placed or hashed, and every stored event waits in the queue. */
async function assertLedgerOff(databaseUrl: string): Promise<void> {
  const row = await withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ events: number; queued: number; placed: number }>(
      `SELECT (SELECT count(*) FROM events)::int AS events,
              (SELECT count(*) FROM ledger_queue)::int AS queued,
              (SELECT count(*) FROM ledger_entries)::int AS placed`,
    );
    return rows[0];
  });
  if (row.placed !== 0 || row.queued !== row.events)
    throw new Error(
      `with the ledger off: ${row.placed} events placed, ${row.queued} of ${row.events} queued`,
    );
}

async function ingestRuns(): Promise<{ runs: IngestRun[]; events: number }> {
  const suffix = randomBytes(4).toString('hex');
  const broker = await startKafka({ port: await freePort(), log: (line) => log(`  ${line}`) });
  const stopBroker = once(() => broker.stop());
  onCleanUp(stopBroker);
  const kafka = new Kafka({
    clientId: `bench-${suffix}`,
    brokers: [broker.brokers],
    logLevel: logLevel.ERROR,
  });
  const topic = `bench-ledger-events-${suffix}`;
  log(`preloading ${topic} (${PARTITIONS} partitions) with ${fmt(REQUESTS)} requests of traffic`);
  const loaded = await preload(kafka, { topic, partitions: PARTITIONS, requests: REQUESTS });
  log(`preloaded ${fmt(loaded.events)} events in ${seconds(loaded.ms).toFixed(1)} s`);

  const runs: IngestRun[] = [];
  for (const [i, mode] of ORDER.entries()) {
    const databaseUrl = await freshDatabase(`benchl${i}`);
    log(`run ${i + 1}/${ORDER.length}: ingestor with the ledger ${mode}`);
    const watch = mode === 'on' ? watchCommits(databaseUrl) : undefined;
    const result = await runIngestor({
      brokers: broker.brokers,
      databaseUrl,
      topic,
      partitions: PARTITIONS,
      total: loaded.events,
      suffix: `${suffix}-${i}`,
      env: {
        LEDGER_INTEGRATION: mode === 'on' ? 'true' : 'false',
        // The integrity pass is not what is measured; it runs once a minute by default.
        LEDGER_SELF_CHECK_INTERVAL_MS: '3600000',
      },
      afterDrain: mode === 'on' ? () => settle(databaseUrl) : undefined,
    });
    log(`  ${fmt(rate(result))} events/s, peak RSS ${fmt(result.peakRssMb)} MB`);
    if (result.stored !== loaded.events)
      throw new Error(`the ingestor stored ${result.stored} of ${loaded.events} events`);
    const run: IngestRun = { mode, result };
    if (mode === 'on') {
      run.commitLag = summary(await watch!.lags());
      run.lag = await integrationLag(databaseUrl);
      log(
        `  lag from commit p50 ${fmt(run.commitLag.p50)} ms, p99 ${fmt(run.commitLag.p99)} ms; ` +
          `from the transaction's start p50 ${fmt(run.lag.p50)} ms, p99 ${fmt(run.lag.p99)} ms`,
      );
    } else {
      await assertLedgerOff(databaseUrl);
    }
    runs.push(run);
  }
  // The proofs part starts its own broker: one at a time on this machine's memory.
  await stopBroker();
  return { runs, events: loaded.events };
}

interface Proof {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  auditPath: string[];
  eventId: string;
}

function getJson(
  agent: http.Agent,
  port: number,
  path: string,
  token: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(
        { host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${token}` } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          response.on('error', reject);
        },
      )
      .on('error', reject);
  });
}

/** Signs one checkpoint of the loaded tree with the development key, as the ingestor would. */
async function signCheckpoint(databaseUrl: string): Promise<{ ms: number; size: number }> {
  ensureDevLedgerKeys();
  const database = new DatabaseService({ url: databaseUrl, poolSize: 1 });
  try {
    const ledger = new LedgerRepository(database);
    const signer = new CheckpointSigner(database, ledger, new LedgerTree(ledger));
    const started = process.hrtime.bigint();
    const result = await signer.sign(
      parseSignerKey(readFileSync(DEV_LEDGER_SIGNER, 'utf8')),
      DEV_LEDGER_NAME,
    );
    if (!('signed' in result)) throw new Error('no checkpoint was signed');
    return { ms: elapsedMs(started), size: result.signed.treeSize };
  } finally {
    await database.onApplicationShutdown();
  }
}

async function proofRuns() {
  const databaseUrl = await freshDatabase('benchlp');
  const brokers = await brokerForApi();
  const loader = new Client({ connectionString: databaseUrl });
  const endLoader = once(() => loader.end());
  onCleanUp(endLoader);
  await loader.connect();
  log(`loading ${fmt(LEAVES)} events directly with SQL and making them leaves`);
  const { leavesPerSec } = await loadEvents(loader, databaseUrl, LEAVES);
  const signing = await signCheckpoint(databaseUrl);
  log(`checkpoint of ${fmt(signing.size)} leaves signed in ${fmt(signing.ms, 1)} ms`);

  const api = await startApi({ databaseUrl, brokers });
  const token = await signDevToken({
    tenants: TENANTS,
    roles: ['investigator'],
    subject: 'bench-ledger',
    expiresIn: '2h',
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  onCleanUp(() => agent.destroy());
  const verifier = parseVerifierKey(readFileSync(DEV_LEDGER_VERIFIER, 'utf8'));
  const get = async (path: string) => {
    const started = process.hrtime.bigint();
    const response = await getJson(agent, api.port, path, token);
    const ms = elapsedMs(started);
    if (response.status !== 200)
      throw api.fail(
        `GET ${path} answered HTTP ${response.status}: ${response.body.slice(0, 300)}`,
      );
    return { ms, body: response.body };
  };
  const checkpoint: Checkpoint = parseCheckpoint(
    openNote((await get('/v1/ledger/checkpoint')).body, verifier),
  );
  // Leaf i holds event i + 1 (export/load.ts places events in id order).
  const proofPath = (leaf: number, byEvent: boolean) =>
    `/v1/ledger/proof/inclusion?leaf=${byEvent ? `event:${leaf + 1}` : leaf}&size=${checkpoint.size}`;
  for (let i = 0; i < WARMUP; i++) {
    await get(proofPath(randomInt(checkpoint.size), i % 2 === 1));
    await get('/v1/ledger/checkpoint');
  }
  log(`warmed up; measuring ${fmt(PROOFS)} inclusion proofs and as many references`);
  const byIndexMs: number[] = [];
  const byEventMs: number[] = [];
  const referenceMs: number[] = [];
  const proofs: Proof[] = [];
  for (let i = 0; i < PROOFS; i++) {
    const byEvent = i % 2 === 1;
    const proof = await get(proofPath(randomInt(checkpoint.size), byEvent));
    (byEvent ? byEventMs : byIndexMs).push(proof.ms);
    proofs.push(JSON.parse(proof.body) as Proof);
    referenceMs.push((await get('/v1/ledger/checkpoint')).ms);
  }
  await api.stop();

  // Every proof is checked against the signed root with the record as stored.
  const { rows } = await loader.query<{ leaf_index: string; record: string }>(
    'SELECT leaf_index::text, record FROM ledger_leaves WHERE leaf_index = ANY($1::bigint[])',
    [proofs.map((proof) => proof.leafIndex)],
  );
  await endLoader();
  const records = new Map(rows.map((row) => [Number(row.leaf_index), row.record]));
  const checks = proofs.map((proof) => ({
    leafIndex: proof.leafIndex,
    treeSize: proof.treeSize,
    record: records.get(proof.leafIndex)!,
    path: proof.auditPath.map((hash) => Buffer.from(hash, 'base64')),
  }));
  for (const check of checks) {
    if (
      check.record === undefined ||
      !verifyInclusion(
        check.leafIndex,
        check.treeSize,
        leafHash(check.record),
        check.path,
        checkpoint.root,
      )
    )
      throw new Error(`the proof of leaf ${check.leafIndex} does not verify`);
  }
  return {
    leavesPerSec,
    signing,
    size: checkpoint.size,
    byIndex: summary(byIndexMs),
    byEvent: summary(byEventMs),
    reference: summary(referenceMs),
    verifier: verifierSpeed(checks, checkpoint.root),
  };
}

/** Proofs checked per second, and the same SHA-256 work done directly, over `checks`. */
function verifierSpeed(
  checks: Array<{ leafIndex: number; treeSize: number; record: string; path: Buffer[] }>,
  root: Buffer,
) {
  const minMs = SMOKE ? 50 : 2_000;
  const timed = (pass: () => void) => {
    let done = 0;
    const started = process.hrtime.bigint();
    while (elapsedMs(started) < minMs) {
      pass();
      done += checks.length;
    }
    return done / seconds(elapsedMs(started));
  };
  const proofsPerSec = timed(() => {
    for (const check of checks)
      if (
        !verifyInclusion(check.leafIndex, check.treeSize, leafHash(check.record), check.path, root)
      )
        throw new Error('a proof stopped verifying');
  });
  const zero = Buffer.alloc(32);
  const hashesPerSec = timed(() => {
    for (const check of checks) {
      createHash('sha256')
        .update(Buffer.from([0]))
        .update(check.record)
        .digest();
      for (const _ of check.path)
        createHash('sha256')
          .update(Buffer.from([1]))
          .update(zero)
          .update(zero)
          .digest();
    }
  });
  return {
    proofsPerSec,
    hashingPerSec: hashesPerSec,
    meanPath: checks.reduce((sum, check) => sum + check.path.length, 0) / checks.length,
  };
}

async function main(): Promise<void> {
  const benchStarted = Date.now();
  const build = process.env.BENCH_NO_BUILD !== '1';
  if (SMOKE) log('BENCH_SMOKE=1: smoke size');
  prepareCheckout({ withBuild: build, stdio: 'stderr' });

  const { runs, events } = await ingestRuns();
  const proofs = await proofRuns();

  const on = runs.filter((run) => run.mode === 'on');
  const off = runs.filter((run) => run.mode === 'off');
  const onRate = median(on.map((run) => rate(run.result)));
  const offRate = median(off.map((run) => rate(run.result)));
  const slowdown = 1 - onRate / offRate;
  const lagP50 = median(on.map((run) => run.commitLag!.p50));
  const lagP99 = Math.max(...on.map((run) => run.commitLag!.p99));

  out();
  out(
    `Ledger benchmark${SMOKE ? ' (smoke size: it works; its figures are not comparable)' : ''}: ` +
      `ingestion of ${fmt(events)} events, ${PARTITIONS} partitions, ledger off and on alternately; proofs at ${fmt(proofs.size)} leaves`,
  );
  out();
  const widths = [16, 9, 8, 7, 8, 8, 9, 9, 11, 11, 7];
  out(
    pad(
      [
        'ingest run',
        'events/s',
        'seconds',
        'CPU s',
        'machine',
        'peak MB',
        'lag p50',
        'lag p99',
        'tx lag p50',
        'tx lag p99',
        'signed',
      ],
      widths,
    ),
  );
  const ms = (value: number | undefined) => (value === undefined ? '-' : `${fmt(value)} ms`);
  for (const [i, run] of runs.entries()) {
    out(
      pad(
        [
          `${i + 1}. ledger ${run.mode}`,
          fmt(rate(run.result)),
          fmt(seconds(run.result.ms), 1),
          fmt(run.result.cpuSeconds, 1),
          fmt(run.result.machineBusyCores, 2),
          fmt(run.result.peakRssMb),
          ms(run.commitLag?.p50),
          ms(run.commitLag?.p99),
          ms(run.lag?.p50),
          ms(run.lag?.p99),
          run.lag ? fmt(run.lag.checkpoints) : '-',
        ],
        widths,
      ),
    );
  }
  out(
    `median: ledger off ${fmt(offRate)} events/s, on ${fmt(onRate)} events/s: ${fmt(slowdown * 100, 1)} % slower with the ledger`,
  );
  out(
    `lag: from an event's commit to the first signed checkpoint covering it, both seen by an observer polling every ${POLL_MS} ms;`,
  );
  out(
    "     tx lag: from the start of the transaction that stored it (events.received_at) to that checkpoint's signed_at.",
  );
  out(
    '     CPU s: the ingestor process; machine: cores busy on the whole machine (PostgreSQL, broker, all) while it drained.',
  );
  out(
    '     Checkpoints every LEDGER_CHECKPOINT_INTERVAL_MS (1 s) when the tree grew. "off": events stored and queued, not integrated.',
  );
  out();
  const lw = [52, 8, 8, 8, 8];
  out(pad([`ms per request, ${fmt(PROOFS)} one at a time`, 'p50', 'p90', 'p99', 'max'], lw));
  const latency = (label: string, s: ReturnType<typeof summary>) =>
    out(pad([label, fmt(s.p50, 2), fmt(s.p90, 2), fmt(s.p99, 2), fmt(s.max, 2)], lw));
  latency('api: GET /v1/ledger/proof/inclusion?leaf=<index>', proofs.byIndex);
  latency('api: GET /v1/ledger/proof/inclusion?leaf=event:<id>', proofs.byEvent);
  latency('reference: GET /v1/ledger/checkpoint', proofs.reference);
  out(
    `every proof verified against the signed checkpoint; leaves made at ${fmt(proofs.leavesPerSec)} leaves/s; ` +
      `a checkpoint of ${fmt(proofs.size)} leaves signed in ${fmt(proofs.signing.ms, 1)} ms`,
  );
  out(
    `verifier: ${fmt(proofs.verifier.proofsPerSec)} proofs/s (leaf hash + audit path of ${fmt(proofs.verifier.meanPath, 1)} hashes); ` +
      `the same SHA-256 work directly: ${fmt(proofs.verifier.hashingPerSec)} /s (${fmt(proofs.verifier.proofsPerSec / proofs.verifier.hashingPerSec, 2)}x)`,
  );
  out();
  const proofP99 = Math.max(proofs.byIndex.p99, proofs.byEvent.p99);
  out(
    `targets${SMOKE ? ' (not judged at smoke size)' : ''}: at most ${TARGETS.slowdown * 100} % slower (${fmt(slowdown * 100, 1)} %) ${verdict(slowdown <= TARGETS.slowdown)}, ` +
      `lag p99 < ${fmt(TARGETS.lagP99Ms)} ms (${fmt(lagP99)} ms) ${verdict(lagP99 < TARGETS.lagP99Ms)}, ` +
      `proof p99 < ${TARGETS.proofP99Ms} ms (${fmt(proofP99, 2)} ms) ${verdict(proofP99 < TARGETS.proofP99Ms)}`,
  );
  out(`whole benchmark: ${seconds(Date.now() - benchStarted).toFixed(0)} s`);
  out(
    JSON.stringify({
      bench: 'ledger',
      events,
      eventsPerSecLedgerOn: Math.round(onRate),
      eventsPerSecLedgerOff: Math.round(offRate),
      slowdown: round(slowdown, 3),
      lagP50Ms: Math.round(lagP50),
      lagP99Ms: Math.round(lagP99),
      leaves: proofs.size,
      proofP50Ms: round(proofs.byIndex.p50, 2),
      proofP99Ms: round(proofP99, 2),
      referenceP50Ms: round(proofs.reference.p50, 2),
      verifierProofsPerSec: Math.round(proofs.verifier.proofsPerSec),
      ...(SMOKE ? { smoke: true } : {}),
    }),
  );
}

runBenchmark(main, 'cleaning up (brokers, databases, processes)');
