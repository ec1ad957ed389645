// Search benchmark: the latency of `requests(filter, first, after)` and `principals(search)`
// over HTTP on a large database, next to a naive reference measured in the same run: the same
// search written as plain SQL over the hops (GROUP BY request, ORDER BY, OFFSET) with index
// scans switched off, as PostgreSQL runs it without the search indexes.
//
//   npm run bench:search                 the full size (1,000,000 hops)
//   BENCH_SMOKE=1 npm run bench:search   about 3,200 hops, to see that it works
//
// What it does:
//   1. builds the apps, starts its own broker and one fresh, migrated database, and loads the
//      query benchmark's graph into it (tools/bench/query/load.ts: 250,000 requests over 8
//      tenants, 1,000,000 hops, 1,000,000 exchanges, 1,250,000 tokens), then gives one token
//      in sixteen a fingerprint (`sha256:` + hex SHA-256 of its key) and analyzes;
//   2. starts the built API (production mode) and asks, as tenant acme's investigator, each
//      search kind with seeded random parameters: a principal by part of its id, a target
//      resource (narrow) and a target service (broad), a token by jti and by fingerprint, a
//      one-hour window, and a principal and a service within a window combined; and the
//      principal search. Each kind is timed on its first page (10 requests) and, where the
//      results reach it, on a deep page (the third, reached through the cursors);
//   3. times the naive reference on a few of the same searches, and checks that its page
//      holds the same requests in the same order as the API's (a mismatch fails the run);
//   4. prints median and p99 per kind and page, and as its very last line the JSON figures:
//      {"bench":"search","hops":...,"kinds":{"principal":{"p50Ms":..,"p99Ms":..,"deepP50Ms":..,
//       "deepP99Ms":..,"naiveP50Ms":..},...},"p50Ms":<worst first-page median>,
//       "p99Ms":<worst first-page p99>,"vsNaive":<naive median / API median, the smallest>}
//      (with "smoke":true at smoke size).
//
// Knobs (environment): BENCH_QUERY_SCALE (the loaded size, as bench:query), BENCH_SEARCH_SAMPLES
// (40 per kind and page; smoke 5), BENCH_SEARCH_NAIVE (5 per kind; smoke 2), BENCH_NO_BUILD=1,
// BENCH_QUERY_KEEP_DB=1 (keep the database to study plans), DATABASE_URL.

import { Client } from 'pg';
import { signDevToken } from '../infra/dev-keys';
import { prepareCheckout } from '../infra';
import { seededRandom } from '../infra/seeded-random';
import { brokerForApi, freshDatabase, startApi } from './api-stack';
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
} from './kit';
import { graphqlClient } from './query/api';
import { load } from './query/load';
import { REQUESTS, SEED } from './query/size';

const SAMPLES = Math.round(envNumber('BENCH_SEARCH_SAMPLES', 40, { smoke: 5 }));
const NAIVE = Math.round(envNumber('BENCH_SEARCH_NAIVE', 5, { smoke: 2 }));
const PAGE = 10;
const DEEP_PAGE = 3;
const TENANT = 'acme';

const REQUESTS_QUERY = `query ($filter: RequestFilter, $first: Int, $after: String) {
  requests(filter: $filter, first: $first, after: $after) {
    edges { node { requestId lastSeenAt hopCount targets openAnomalies maxSeverity } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const PRINCIPALS_QUERY = `query ($search: String!, $first: Int, $after: String) {
  principals(search: $search, first: $first, after: $after) {
    edges { node { id issuer tenant kind displayName } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Params {
  user: number;
  resource: string;
  jti: string;
  jtiIssuer: string;
  fingerprint: string;
  windowStart: Date;
}

/** One search kind: its GraphQL filter and the naive SQL that answers the same page. */
interface Kind {
  name: string;
  filter: (p: Params) => Record<string, unknown>;
  /** WHERE conditions on hops `h`. */
  naive: (p: Params) => {
    where: string;
    values: unknown[];
    /** A token is also found where it was exchanged: conditions on exchanges `x`. */
    exchanged?: string;
  };
}

const hour = 3600_000;
const windowOf = (p: Params) => ({
  since: p.windowStart.toISOString(),
  until: new Date(p.windowStart.getTime() + hour).toISOString(),
});

/** A hop naming a principal whose id matches $2 (hashed once: one pass over the hops). */
const NAMED_PRINCIPAL = `(h.actor_id IN (SELECT id FROM principals WHERE subject ILIKE $2)
  OR h.on_behalf_of_id IN (SELECT id FROM principals WHERE subject ILIKE $2))`;

const KINDS: Kind[] = [
  {
    name: 'principal',
    filter: (p) => ({ principal: { search: `user-${p.user}@` } }),
    naive: (p) => ({ where: NAMED_PRINCIPAL, values: [`%user-${p.user}@%`] }),
  },
  {
    name: 'target resource',
    filter: (p) => ({ target: p.resource }),
    naive: (p) => ({
      where: `(h.target_service ILIKE $2 OR h.target_resource ILIKE $2)`,
      values: [`%${p.resource}%`],
    }),
  },
  {
    name: 'target service',
    filter: () => ({ target: 'billing' }),
    naive: () => ({
      where: `(h.target_service ILIKE $2 OR h.target_resource ILIKE $2)`,
      values: ['%billing%'],
    }),
  },
  {
    name: 'token jti',
    filter: (p) => ({ token: { jti: p.jti, issuer: p.jtiIssuer } }),
    naive: (p) => ({
      where: `h.token_key = $2`,
      exchanged: `$2 IN (x.subject_token_key, x.issued_token_key)`,
      values: [`jti:${p.jtiIssuer}#${p.jti}`],
    }),
  },
  {
    name: 'token fingerprint',
    filter: (p) => ({ token: { fingerprint: p.fingerprint } }),
    naive: (p) => ({
      where: `(h.tenant, h.token_key) IN (SELECT reporter, key FROM tokens WHERE fingerprint = $2)`,
      exchanged: `((x.tenant, x.subject_token_key) IN (SELECT reporter, key FROM tokens WHERE fingerprint = $2)
                    OR (x.tenant, x.issued_token_key) IN (SELECT reporter, key FROM tokens WHERE fingerprint = $2))`,
      values: [p.fingerprint],
    }),
  },
  {
    name: 'time window (1 h)',
    filter: (p) => windowOf(p),
    naive: (p) => ({
      where: `h.occurred_at >= $2 AND h.occurred_at < $3`,
      values: [windowOf(p).since, windowOf(p).until],
    }),
  },
  {
    name: 'combined',
    filter: (p) => ({
      principal: { search: `user-${p.user}@` },
      target: 'crm',
      since: '2026-10-01T00:00:00Z',
    }),
    naive: (p) => ({
      where: `${NAMED_PRINCIPAL} AND h.request_id IN (SELECT request_id FROM hops
                 WHERE target_service ILIKE '%crm%' AND (tenant = $1 OR target_tenant = $1))`,
      values: [`%user-${p.user}@%`],
    }),
  },
];

/**
 * The naive page: every visible hop and exchange of the matching requests (within the window,
 * for the window kind), grouped by request, ordered and offset.
 */
async function naivePage(client: Client, kind: Kind, p: Params, page: number) {
  const { where, values, exchanged } = kind.naive(p);
  const windowed = kind.name.startsWith('time window');
  const inWindow = (column: string) => (windowed ? `AND ${column} >= $2 AND ${column} < $3` : '');
  const member = windowed
    ? ''
    : `WHERE request_id IN (SELECT h.request_id FROM hops h
         WHERE (h.tenant = $1 OR h.target_tenant = $1) AND ${where}
         ${exchanged ? `UNION SELECT x.request_id FROM token_exchanges x WHERE x.tenant = $1 AND ${exchanged}` : ''})`;
  const sql = `SELECT request_id FROM (
      SELECT request_id, max(at) AS at FROM (
        SELECT h.request_id, h.occurred_at AS at FROM hops h
        WHERE (h.tenant = $1 OR h.target_tenant = $1) ${inWindow('h.occurred_at')}
        UNION ALL
        SELECT x.request_id, x.occurred_at FROM token_exchanges x WHERE x.tenant = $1 ${inWindow('x.occurred_at')}) v
      ${member}
      GROUP BY request_id) r
    ORDER BY at DESC, request_id DESC LIMIT ${PAGE} OFFSET ${(page - 1) * PAGE}`;
  const started = process.hrtime.bigint();
  const { rows } = await client.query<{ request_id: string }>(sql, [TENANT, ...values]);
  return { ms: elapsedMs(started), ids: rows.map((row) => row.request_id) };
}

/** Latency figures of a sample, or null when nothing was measured. */
const stats = (samples: number[]) => (samples.length === 0 ? null : summary(samples));

async function pickParams(client: Client, count: number): Promise<Params[]> {
  const random = seededRandom(SEED + 7);
  const { rows: tokens } = await client.query<{ jti: string; issuer: string }>(
    `SELECT jti, issuer FROM tokens WHERE reporter = $1 AND jti IS NOT NULL
     ORDER BY key LIMIT $2`,
    [TENANT, count * 50],
  );
  const { rows: prints } = await client.query<{ fingerprint: string }>(
    `SELECT fingerprint FROM tokens WHERE reporter = $1 AND fingerprint IS NOT NULL ORDER BY key LIMIT $2`,
    [TENANT, count * 50],
  );
  const { rows: resources } = await client.query<{ resource: string }>(
    `SELECT target_resource AS resource FROM hops WHERE tenant = $1 ORDER BY id LIMIT $2`,
    [TENANT, count * 50],
  );
  const { rows: span } = await client.query<{ first: Date; last: Date }>(
    `SELECT min(occurred_at) AS first, max(occurred_at) AS last FROM hops`,
  );
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const first = span[0].first.getTime();
  const width = Math.max(hour, span[0].last.getTime() - first - hour);
  return Array.from({ length: count }, () => {
    const token = pick(tokens);
    return {
      user: Math.floor(random() * 400),
      resource: pick(resources).resource,
      jti: token.jti,
      jtiIssuer: token.issuer,
      fingerprint: pick(prints).fingerprint,
      windowStart: new Date(first + Math.floor(random() * width)),
    };
  });
}

async function main(): Promise<void> {
  const benchStarted = Date.now();
  const build = process.env.BENCH_NO_BUILD !== '1';
  log(build ? 'preparing the checkout (Prisma client, build)' : 'preparing the checkout');
  if (SMOKE) log('BENCH_SMOKE=1: smoke size');
  prepareCheckout({ withBuild: build, stdio: 'stderr' });

  const databaseUrl = await freshDatabase('benchs', {
    keep: process.env.BENCH_QUERY_KEEP_DB === '1',
  });
  const brokers = await brokerForApi();
  const loader = new Client({ connectionString: databaseUrl });
  const endLoader = once(() => loader.end());
  onCleanUp(endLoader);
  await loader.connect();
  log(`loading ${REQUESTS.toLocaleString('en-US')} requests directly with SQL`);
  const loaded = await load(loader);
  const fingerprinted = await loader.query(
    `UPDATE tokens SET fingerprint = 'sha256:' || encode(sha256(convert_to(key, 'UTF8')), 'hex')
     WHERE get_byte(decode(md5(key), 'hex'), 0) < 16`,
  );
  await loader.query('ANALYZE tokens');
  log(
    `loaded ${fmt(loaded.hops)} hops over ${fmt(loaded.requests)} requests in ${seconds(loaded.ms).toFixed(1)} s; ` +
      `${fmt(fingerprinted.rowCount ?? 0)} tokens fingerprinted`,
  );
  const params = await pickParams(loader, SAMPLES + 5);
  await endLoader();

  const api = await startApi({ databaseUrl, brokers });
  log(`API ready in ${seconds(api.startMs).toFixed(1)} s`);
  const post = graphqlClient(api.port);
  const token = await signDevToken({
    tenants: [TENANT],
    roles: ['investigator'],
    subject: `bench-search@${TENANT}`,
    expiresIn: '2h',
  });
  const ask = async (query: string, variables: Record<string, unknown>) => {
    const started = process.hrtime.bigint();
    const response = await post(token, JSON.stringify({ query, variables }));
    const ms = elapsedMs(started);
    const body = response.body as {
      data?: Record<
        string,
        {
          edges: Array<{ node: Record<string, string> }>;
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        }
      >;
      errors?: unknown[];
    };
    if (response.status !== 200 || body.errors)
      throw api.fail(
        `the API failed: HTTP ${response.status} ${JSON.stringify(body).slice(0, 500)}`,
      );
    return { ms, connection: Object.values(body.data!)[0] };
  };
  /** Times page `page` of a search (the earlier pages are asked untimed, for the cursor). */
  const timedPage = async (query: string, variables: Record<string, unknown>, page: number) => {
    let after: string | null = null;
    for (let i = 1; i < page; i++) {
      const { connection } = await ask(query, { ...variables, first: PAGE, after });
      if (!connection.pageInfo.hasNextPage) return null;
      after = connection.pageInfo.endCursor;
    }
    const { ms, connection } = await ask(query, { ...variables, first: PAGE, after });
    return { ms, ids: connection.edges.map((edge) => edge.node.requestId ?? edge.node.id) };
  };

  const figures: Record<string, { first: number[]; deep: number[]; naive: number[] }> = {};
  const warm = params.slice(SAMPLES);
  const measured = params.slice(0, SAMPLES);
  for (const kind of KINDS) {
    const f = (figures[kind.name] = {
      first: [] as number[],
      deep: [] as number[],
      naive: [] as number[],
    });
    for (const p of warm) await timedPage(REQUESTS_QUERY, { filter: kind.filter(p) }, 1);
    for (const p of measured) {
      const first = await timedPage(REQUESTS_QUERY, { filter: kind.filter(p) }, 1);
      if (first) f.first.push(first.ms);
      const deep = await timedPage(REQUESTS_QUERY, { filter: kind.filter(p) }, DEEP_PAGE);
      if (deep) f.deep.push(deep.ms);
    }
    log(`  ${kind.name}: ${f.first.length} first pages, ${f.deep.length} deep pages`);
  }
  // The principal search: by part of a display name ("User 12" finds User 12, 120-129).
  const principalFigures = { first: [] as number[], deep: [] as number[], naive: [] as number[] };
  for (const p of measured) {
    const first = await timedPage(PRINCIPALS_QUERY, { search: `User ${p.user}` }, 1);
    if (first) principalFigures.first.push(first.ms);
  }
  figures['principals(search)'] = principalFigures;

  // The naive reference: index scans off, on a few of the same searches; same pages.
  const reference = new Client({ connectionString: databaseUrl });
  const endReference = once(() => reference.end());
  onCleanUp(endReference);
  await reference.connect();
  await reference.query('SET enable_indexscan = off');
  await reference.query('SET enable_bitmapscan = off');
  await reference.query('SET enable_indexonlyscan = off');
  for (const kind of KINDS) {
    for (const p of measured.slice(0, NAIVE)) {
      const naive = await naivePage(reference, kind, p, 1);
      figures[kind.name].naive.push(naive.ms);
      const apiPage = await timedPage(REQUESTS_QUERY, { filter: kind.filter(p) }, 1);
      if (JSON.stringify(apiPage?.ids ?? []) !== JSON.stringify(naive.ids))
        throw api.fail(
          `${kind.name}: the API's first page ${JSON.stringify(apiPage?.ids)} is not the reference's ${JSON.stringify(naive.ids)}`,
        );
    }
  }
  await endReference();
  await api.stop();

  const widths = [22, 10, 10, 10, 10, 12, 10];
  out();
  out(
    `Search benchmark${SMOKE ? ' (smoke size: it works; its figures are not comparable)' : ''}: ${fmt(loaded.hops)} hops over ` +
      `${fmt(loaded.requests)} requests, 8 tenants, asked as one tenant's investigator over HTTP, ${PAGE} per page, ` +
      `deep = page ${DEEP_PAGE} through the cursors; ${SAMPLES} searches per kind.`,
  );
  out();
  out(pad(['ms', 'p50', 'p99', 'deep p50', 'deep p99', 'naive p50', 'vs naive'], widths));
  const kinds: Record<string, Record<string, number | null>> = {};
  let worstP50 = 0;
  let worstP99 = 0;
  let leastVsNaive = Infinity;
  for (const [name, f] of Object.entries(figures)) {
    const a = stats(f.first);
    const d = stats(f.deep);
    const n = stats(f.naive);
    const vs = a && n ? n.p50 / a.p50 : null;
    if (a) {
      worstP50 = Math.max(worstP50, a.p50);
      worstP99 = Math.max(worstP99, a.p99);
    }
    if (vs !== null) leastVsNaive = Math.min(leastVsNaive, vs);
    out(
      pad(
        [
          name,
          fmt(a?.p50, 2),
          fmt(a?.p99, 2),
          d ? fmt(d.p50, 2) : 'n/a',
          d ? fmt(d.p99, 2) : 'n/a',
          n ? fmt(n.p50, 1) : 'n/a',
          vs === null ? 'n/a' : `${fmt(vs, 1)}x`,
        ],
        widths,
      ),
    );
    kinds[name] = {
      p50Ms: a && round(a.p50, 2),
      p99Ms: a && round(a.p99, 2),
      deepP50Ms: d && round(d.p50, 2),
      deepP99Ms: d && round(d.p99, 2),
      naiveP50Ms: n && round(n.p50, 1),
    };
  }
  out();
  out(
    `naive: the same page as plain SQL over the hops (GROUP BY request, ORDER BY, OFFSET) with index scans off; ` +
      `its ${NAIVE} pages per kind matched the API's first pages exactly.`,
  );
  out(`whole benchmark: ${seconds(Date.now() - benchStarted).toFixed(0)} s`);
  out(
    JSON.stringify({
      bench: 'search',
      hops: loaded.hops,
      requests: loaded.requests,
      samples: SAMPLES,
      kinds,
      p50Ms: round(worstP50, 2),
      p99Ms: round(worstP99, 2),
      vsNaive: round(leastVsNaive, 1),
      ...(SMOKE ? { smoke: true } : {}),
    }),
  );
}

runBenchmark(main);
