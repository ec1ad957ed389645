// Query benchmark: the latency of the GraphQL `provenance(requestId)` query on a large
// database, next to a hand-written SQL reference that loads the same answer from the same
// database in the same run.
//
//   npm run bench:query                 the full size (1,000,000 hops)
//   BENCH_SMOKE=1 npm run bench:query   about 3,200 hops and 200 requests, to see that it works
//
// What it does:
//   1. builds the apps, starts its own single-node broker (free port,
//      temporary folder; the API needs one for readiness and its anomaly feed) and creates
//      one fresh, migrated database `provenant_benchq_<random>`;
//   2. loads the provenance graph directly with SQL, generated inside PostgreSQL with
//      INSERT ... SELECT FROM generate_series (indexes and keys are dropped for the load and
//      rebuilt afterwards): 250,000 requests over 8 tenants and 8,000 principals, each a
//      human origin delegating through 2 to 6 agents, tools, services or workloads. Every
//      delegation is an RFC 8693 exchange whose issued token derives from the previous one
//      (tokens.parent_key) and carries the nested `act` claims of every actor so far; each
//      delegate performs one hop with its token, child of the previous hop. That is
//      1,000,000 hops, 1,000,000 exchanges, 1,250,000 tokens and the 2,000,000 events they
//      come from. A few requests are irregular, as in real traffic: an exchange that never
//      arrived (2%), a parent hop that never arrived (1%), a revoked token (2%), a hop
//      against another tenant (3%), and ~8% of requests carry an anomaly. Then VACUUM
//      ANALYZE (query/load.ts);
//   3. starts the built API (`node dist/apps/api/src/main.js`, NODE_ENV=production,
//      LOG_LEVEL=warn) against that database and waits for /readyz;
//   4. picks 2,000 requests at random (seeded: the same ones on every run of the same
//      size), signs one development token per tenant (role investigator; each request is
//      asked for with the token of its own tenant), warms both contenders up with 100
//      requests each, then measures one request at a time (latency, not throughput):
//      - api: HTTP POST /graphql of a full `provenance` query (origin, chain, hops with
//        actors, targets and tokens, token derivations, gaps, anomalies, complete) over a
//        keep-alive connection, until the response is parsed;
//      - sql: one hand-written statement through `pg` on the same database that returns
//        the same facts as JSON (hops with their actor and on-behalf-of principals,
//        exchanges with theirs, the recursive token lineage, the anomalies), filtered by
//        the same tenant rule, parsed, and the chain derived from it in JavaScript.
//      The two alternate request by request (which one goes first alternates too), so both
//      see the same database caches and the same machine load. Every API answer is checked
//      against what was generated and against the SQL answer (hop count, hop ids, origin,
//      token and anomaly counts); a single mismatch fails the run;
//   5. prints p50/p90/p99/max for both, and as its very last line the JSON figures:
//      {"bench":"query","hops":...,"requests":...,"samples":...,"p50Ms":...,"p99Ms":...,
//       "sqlP50Ms":...,"sqlP99Ms":...,"vsSql":...} where vsSql = p50 / sqlP50 (with "smoke":true
//      at smoke size).
//
// Targets: p99 under 25 ms, p50 within 3x of the SQL reference.
// Progress goes to stderr; the table and the JSON line to stdout. The API, the broker and
// the database are removed at the end, also on failure or Ctrl-C.
//
// Knobs (environment): BENCH_QUERY_SCALE (1; 0.02 loads 5,000 requests for a quick try;
// smoke 0.0032), BENCH_QUERY_SAMPLES (2000; smoke 200), BENCH_QUERY_WARMUP (100; smoke 20),
// BENCH_QUERY_SEED (42),
// BENCH_NO_BUILD=1 (measure the build already in dist/ instead of compiling first),
// BENCH_QUERY_KEEP_DB=1 (keep the loaded database afterwards, to study its query plans),
// BENCH_API_NODE_ARGS (extra node arguments for the API process only, e.g.
// "--cpu-prof --cpu-prof-dir=prof"),
// DATABASE_URL (the PostgreSQL server to use; the database name in it is ignored).

import { Client } from 'pg';
import { prepareCheckout } from '../infra';
import { brokerForApi, freshDatabase, startApi } from './api-stack';
import {
  fmt,
  log,
  onCleanUp,
  once,
  out,
  pad,
  round,
  runBenchmark,
  summary,
  elapsedMs,
  seconds,
  SMOKE,
  verdict,
} from './kit';
import { graphqlClient, PROVENANCE_QUERY, signTokens, type ProvenanceAnswer } from './query/api';
import { load, pickRequests, type Expectation } from './query/load';
import { REQUESTS, SAMPLES, WARMUP } from './query/size';
import { referenceAnswer, type ReferenceAnswer } from './query/sql-reference';

const TARGETS = { p99Ms: 25, vsSql: 3 };
const LATENCY_COLUMNS = ['p50', 'p90', 'p99', 'max', 'mean'] as const;

/** Throws unless the API answer is the generated truth and the SQL reference's answer. */
function check(
  expected: Expectation,
  api: ProvenanceAnswer | null,
  sql: ReferenceAnswer | null,
): void {
  const problems: string[] = [];
  const p = api;
  if (!p) throw new Error(`the API answered null for ${expected.requestId}`);
  if (p.hops.length !== expected.hops)
    problems.push(`${p.hops.length} hops, expected ${expected.hops}`);
  if (p.origin?.id !== expected.origin)
    problems.push(`origin ${p.origin?.id}, expected ${expected.origin}`);
  if (p.tokens.length !== expected.tokens)
    problems.push(`${p.tokens.length} tokens, expected ${expected.tokens}`);
  if (p.anomalies.length !== expected.anomalies)
    problems.push(`${p.anomalies.length} anomalies, expected ${expected.anomalies}`);
  if (!sql) problems.push('the SQL reference found nothing');
  else {
    const apiHops = p.hops.map((hop) => hop.hopId).join(',');
    const sqlHops = sql.hops.map((hop) => hop.hopId).join(',');
    if (apiHops !== sqlHops) problems.push(`hops ${apiHops}, the SQL reference ${sqlHops}`);
    if (p.tokens.length !== sql.tokens.length)
      problems.push(`${p.tokens.length} tokens, the SQL reference ${sql.tokens.length}`);
    if (p.anomalies.length !== sql.anomalies.length)
      problems.push(`${p.anomalies.length} anomalies, the SQL reference ${sql.anomalies.length}`);
    if (p.origin?.id !== sql.origin?.id)
      problems.push(`origin ${p.origin?.id}, the SQL reference ${sql.origin?.id}`);
  }
  if (problems.length > 0)
    throw new Error(`wrong answer for request ${expected.requestId}: ${problems.join('; ')}`);
}

async function main(): Promise<void> {
  const benchStarted = Date.now();
  const build = process.env.BENCH_NO_BUILD !== '1';
  log(
    build
      ? 'preparing the checkout (Prisma client, build)'
      : 'preparing the checkout (BENCH_NO_BUILD=1: the existing build in dist/ is used)',
  );
  if (SMOKE) log('BENCH_SMOKE=1: smoke size');
  prepareCheckout({ withBuild: build, stdio: 'stderr' });

  const databaseUrl = await freshDatabase('benchq', {
    keep: process.env.BENCH_QUERY_KEEP_DB === '1',
  });
  const brokers = await brokerForApi();

  const loader = new Client({ connectionString: databaseUrl });
  const endLoader = once(() => loader.end());
  onCleanUp(endLoader);
  await loader.connect();
  log(`loading ${REQUESTS.toLocaleString('en-US')} requests directly with SQL`);
  const loaded = await load(loader);
  log(
    `loaded ${fmt(loaded.hops)} hops, ${fmt(loaded.exchanges)} exchanges, ${fmt(loaded.tokens)} tokens, ` +
      `${fmt(loaded.events)} events in ${seconds(loaded.ms).toFixed(1)} s`,
  );
  const { sample, warm } = await pickRequests(loader, SAMPLES, WARMUP);
  await endLoader();

  const api = await startApi({ databaseUrl, brokers });
  log(`API ready in ${seconds(api.startMs).toFixed(1)} s`);
  const post = graphqlClient(api.port);
  const tokens = await signTokens();
  const askApi = async (expected: Expectation) => {
    const body = JSON.stringify({
      query: PROVENANCE_QUERY,
      variables: { requestId: expected.requestId },
    });
    const started = process.hrtime.bigint();
    const response = await post(tokens.get(expected.tenant)!, body);
    const ms = elapsedMs(started);
    if (response.status !== 200 || response.body.errors) {
      throw api.fail(
        `the API failed for ${expected.requestId}: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 500)}`,
      );
    }
    return { ms, answer: response.body.data?.provenance ?? null };
  };

  const reference = new Client({ connectionString: databaseUrl });
  const endReference = once(() => reference.end());
  onCleanUp(endReference);
  await reference.connect();
  const askSql = async (expected: Expectation) => {
    const started = process.hrtime.bigint();
    const answer = await referenceAnswer(reference, expected.requestId, [expected.tenant]);
    return { ms: elapsedMs(started), answer };
  };

  // Warm-up: other requests than the measured ones, the same ones for both contenders.
  for (const expected of warm) {
    const a = await askApi(expected);
    const s = await askSql(expected);
    check(expected, a.answer, s.answer);
  }
  log(`warmed up with ${warm.length} requests each; measuring ${sample.length} requests`);

  const apiMs: number[] = [];
  const sqlMs: number[] = [];
  let complete = 0;
  let expectedComplete = 0;
  let lastReport = Date.now();
  for (let i = 0; i < sample.length; i++) {
    const expected = sample[i];
    let a;
    let s;
    if (i % 2 === 0) {
      a = await askApi(expected);
      s = await askSql(expected);
    } else {
      s = await askSql(expected);
      a = await askApi(expected);
    }
    check(expected, a.answer, s.answer);
    apiMs.push(a.ms);
    sqlMs.push(s.ms);
    if (a.answer?.complete) complete += 1;
    if (expected.complete) expectedComplete += 1;
    if (Date.now() - lastReport > 5_000) {
      lastReport = Date.now();
      log(`  ${i + 1}/${sample.length}`);
    }
  }
  await endReference();
  await api.stop();
  const a = summary(apiMs);
  const s = summary(sqlMs);
  const vsSql = a.p50 / s.p50;
  const widths = [44, 8, 8, 8, 8, 8];
  out();
  out(
    `Query benchmark${SMOKE ? ' (smoke size: it works; its figures are not comparable)' : ''}: provenance(requestId) on ${fmt(loaded.hops)} hops over ${fmt(loaded.requests)} requests ` +
      `(${fmt(loaded.exchanges)} exchanges, ${fmt(loaded.tokens)} tokens, ${fmt(loaded.events)} events, ` +
      `${fmt(loaded.principals)} principals, ${fmt(loaded.anomalies)} anomalies; ${fmt(Number(loaded.bytes) / 1024 / 1024)} MB)`,
  );
  out(
    `Loaded directly with SQL in ${seconds(loaded.ms).toFixed(1)} s; ${fmt(sample.length)} random requests, ` +
      `one at a time, after ${warm.length} warm-up requests each.`,
  );
  out();
  out(pad(['ms per request', ...LATENCY_COLUMNS], widths));
  const latencyRow = (label: string, stats: typeof a): string =>
    pad([label, ...LATENCY_COLUMNS.map((column) => fmt(stats[column], 2))], widths);
  out(latencyRow('api: POST /graphql provenance(requestId)', a));
  out(latencyRow('sql: one hand-written statement (pg)', s));
  out();
  out(
    `answers: all ${fmt(sample.length)} checked against the generated graph and the SQL reference ` +
      `(hops, origin, tokens, anomalies); complete ${fmt(complete)} (expected ${fmt(expectedComplete)}).`,
  );
  out(
    `targets${SMOKE ? ' (not judged at smoke size)' : ''}: p99 < ${TARGETS.p99Ms} ms ${verdict(a.p99 < TARGETS.p99Ms)}, ` +
      `p50 within ${TARGETS.vsSql}x of SQL (${fmt(vsSql, 2)}x) ${verdict(vsSql <= TARGETS.vsSql)}`,
  );
  out(`whole benchmark: ${seconds(Date.now() - benchStarted).toFixed(0)} s`);
  out(
    JSON.stringify({
      bench: 'query',
      hops: loaded.hops,
      requests: loaded.requests,
      samples: sample.length,
      p50Ms: round(a.p50, 2),
      p99Ms: round(a.p99, 2),
      sqlP50Ms: round(s.p50, 2),
      sqlP99Ms: round(s.p99, 2),
      vsSql: round(vsSql, 2),
      ...(SMOKE ? { smoke: true } : {}),
    }),
  );
}

runBenchmark(main);
