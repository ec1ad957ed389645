#!/usr/bin/env node
// Query benchmark: the latency of the GraphQL `provenance(requestId)` query on a large
// database, next to a hand-written SQL reference that loads the same answer from the same
// database in the same run.
//
//   npm run bench:query
//
// What it does:
//   1. builds the apps (scripts/setup.mjs), starts its own single-node broker (free port,
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
//      ANALYZE;
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
//       "sqlP50Ms":...,"sqlP99Ms":...,"vsSql":...} where vsSql = p50 / sqlP50.
//
// Targets: p99 under 25 ms, p50 within 3x of the SQL reference.
// Progress goes to stderr; the table and the JSON line to stdout. The API, the broker and
// the database are removed at the end, also on failure or Ctrl-C.
//
// Knobs (environment): BENCH_QUERY_SCALE (1; 0.02 loads 5,000 requests for a quick try),
// BENCH_QUERY_SAMPLES (2000), BENCH_QUERY_WARMUP (100), BENCH_QUERY_SEED (42),
// BENCH_NO_BUILD=1 (measure the build already in dist/ instead of compiling first),
// BENCH_QUERY_KEEP_DB=1 (keep the loaded database afterwards, to study its query plans),
// BENCH_API_NODE_ARGS (extra node arguments for the API process only, e.g.
// "--cpu-prof --cpu-prof-dir=prof"),
// DATABASE_URL (the PostgreSQL server to use; the database name in it is ignored).

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEV_AUDIENCE, DEV_ISSUER, DEV_JWKS_FILE, ensureDevKeys } from './dev-keys.mjs';
import { freePort, startKafka } from './kafka.mjs';
import { ensureDependencies, ensurePrismaClient, setup } from './setup.mjs';
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

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const API_MAIN = join(ROOT, 'dist/apps/api/src/main.js');

const envNumber = (name, fallback) => {
  const value = Number(process.env[name] ?? '');
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const SCALE = envNumber('BENCH_QUERY_SCALE', 1);
const REQUESTS = Math.max(100, Math.round(250_000 * SCALE));
const SAMPLES = Math.min(Math.round(envNumber('BENCH_QUERY_SAMPLES', 2_000)), REQUESTS);
const WARMUP = Math.round(envNumber('BENCH_QUERY_WARMUP', 100));
const SEED = Math.round(envNumber('BENCH_QUERY_SEED', 42));
const TARGETS = { p99Ms: 25, vsSql: 3 };

// The shape of the generated graph.
const TENANTS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'wayne', 'stark', 'wonka'];
const HUMANS = 400; // per tenant
const DELEGATES = 150; // per tenant and delegate kind
const KINDS = ['agent', 'tool', 'service', 'workload'];
const SERVICES = ['crm-api', 'billing-api', 'vault', 'warehouse', 'calendar-api', 'payments-api'];
const ACTIONS = ['read', 'list', 'update', 'export', 'execute'];
const BASE_TIME = '2026-11-01T00:00:00Z';
const ANOMALY_TOPIC = 'delegation-anomalies';
const LOAD_TABLES = [
  'events',
  'principals',
  'tokens',
  'requests',
  'token_exchanges',
  'hops',
  'anomalies',
];

// ---------------------------------------------------------------------------------------
// Loading: the whole graph is generated inside PostgreSQL.

const sqlText = (value) => `'${String(value).replace(/'/g, "''")}'`;
const sqlArray = (items) => `ARRAY[${items.map(sqlText).join(', ')}]::text[]`;
/** The k-th 32-bit slice (0..3) of an md5 hex column, as a non-negative bigint. */
const hx = (column, k) => `('x' || substr(${column}, ${1 + 8 * k}, 8))::bit(32)::bigint`;
const md5 = (...parts) =>
  `md5(${[sqlText(`${SEED}`), ...parts].map((part) => `(${part})`).join(` || ':' || `)})`;
const tokenJti = (r, i) => `${md5(sqlText('token'), r, i)}::uuid::text`;

/**
 * The `act` claim of the token issued at step `i`, RFC 8693 §4.1: the current actor
 * outermost, each prior actor nested inside; `subs` holds the request's actors in order.
 */
function actClaim(level = 0) {
  const sub = `jsonb_build_object('sub', subs[i - ${level}])`;
  if (level === 5) return sub;
  return `${sub} || CASE WHEN i > ${level + 1} THEN jsonb_build_object('act', ${actClaim(level + 1)}) ELSE '{}'::jsonb END`;
}

// Irregular requests, by the attribute `u` (0..999) of each request.
const MISSING_EXCHANGE = 'u < 20'; // the last exchange never arrived
const MISSING_PARENT = 'u >= 20 AND u < 30'; // the first hop names a parent never seen
const REVOKED = 'u >= 30 AND u < 50'; // the first delegated token is revoked before its use
const CROSS_TENANT = 'u >= 50 AND u < 80'; // the last hop targets another tenant
const AUDIENCE_FLAG = 'u >= 80 AND u < 100'; // an anomaly raised for the audience

const PLAN = [
  `SET temp_buffers = '512MB'`,
  `CREATE TEMP TABLE q_req AS
   SELECT r, ${md5(sqlText('request'), 'r')}::uuid::text AS request_id, tn,
          (${sqlArray(TENANTS)})[tn + 1] AS tenant,
          (${sqlArray(TENANTS)})[(tn + 1 + ${hx('a', 3)} % ${TENANTS.length - 1}) % ${TENANTS.length} + 1] AS other_tenant,
          2 + r % 5 AS n, tn * 1000 + 1 + origin_slot AS origin_id,
          'user-' || origin_slot || '@' || (${sqlArray(TENANTS)})[tn + 1] || '.example' AS origin_subject,
          timestamptz '${BASE_TIME}' + r * interval '1 second' AS t0, u
   FROM (SELECT r, ${md5(sqlText('attributes'), 'r')} AS a FROM generate_series(0, ${REQUESTS - 1}) r) g,
        LATERAL (SELECT ${hx('a', 0)} % ${TENANTS.length} AS tn, ${hx('a', 1)} % ${HUMANS} AS origin_slot,
                        ${hx('a', 2)} % 1000 AS u) x`,
  `CREATE TEMP TABLE q_step AS
   SELECT q.*, i, tn * 1000 + 1 + ${HUMANS} + slot AS actor_id,
          (${sqlArray(KINDS)})[slot / ${DELEGATES} + 1] AS kind,
          (${sqlArray(KINDS)})[slot / ${DELEGATES} + 1] || ':' || (slot % ${DELEGATES}) AS subject,
          (${sqlArray(SERVICES)})[1 + ${hx('b', 1)} % ${SERVICES.length}] AS service,
          (${sqlArray(ACTIONS)})[1 + ${hx('b', 2)} % ${ACTIONS.length}] AS action,
          ${hx('b', 3)} % 100 < 5 AS denied,
          ${tokenJti('r', 'i')} AS jti,
          'jti:https://sts.' || q.tenant || '.example#' || ${tokenJti('r', 'i')} AS token_key,
          ${tokenJti('r', 'i - 1')} AS parent_jti,
          CASE WHEN i = 1 THEN 'jti:https://login.' || q.tenant || '.example#'
               ELSE 'jti:https://sts.' || q.tenant || '.example#' END || ${tokenJti('r', 'i - 1')} AS parent_key
   FROM q_req q, generate_series(1, q.n) i,
        LATERAL (SELECT ${md5(sqlText('step'), 'q.r', 'i')} AS b) m,
        LATERAL (SELECT ${hx('b', 0)} % ${KINDS.length * DELEGATES} AS slot) d`,
  `CREATE TEMP TABLE q_subs AS SELECT r, array_agg(subject ORDER BY i) AS subs FROM q_step GROUP BY r`,
];

const LOAD = [
  [
    'principals',
    `INSERT INTO principals (id, reporter, tenant, issuer, subject, kind, display_name, first_seen_at)
     SELECT tn * 1000 + 1 + s, tenant, tenant,
            CASE WHEN s < ${HUMANS} THEN 'https://login.' || tenant || '.example'
                 ELSE 'https://' || kind || 's.' || tenant || '.example' END,
            CASE WHEN s < ${HUMANS} THEN 'user-' || s || '@' || tenant || '.example'
                 ELSE kind || ':' || ((s - ${HUMANS}) % ${DELEGATES}) END,
            kind::principal_kind, CASE WHEN s < ${HUMANS} THEN 'User ' || s END,
            timestamptz '${BASE_TIME}' - interval '30 days'
     FROM unnest(${sqlArray(TENANTS)}) WITH ORDINALITY t(tenant, o),
          LATERAL (SELECT o - 1 AS tn) x,
          generate_series(0, ${HUMANS + KINDS.length * DELEGATES - 1}) s,
          LATERAL (SELECT CASE WHEN s < ${HUMANS} THEN 'human'
                               ELSE (${sqlArray(KINDS)})[(s - ${HUMANS}) / ${DELEGATES} + 1] END AS kind) k`,
  ],
  [
    'events (exchanges)',
    `INSERT INTO events (id, source, ce_id, type, tenant, target_tenant, request_id, time, data, topic, partition, "offset", received_at)
     SELECT r * 16 + i, 'gw://' || tenant || '/edge', ${md5(sqlText('x'), 'r', 'i')}::uuid::text,
            'provenant.token.exchanged', tenant, NULL, request_id, t0 + i * interval '10 ms',
            jsonb_build_object('requestId', request_id, 'subject', jsonb_build_object('id', origin_subject),
                               'actor', jsonb_build_object('id', subject),
                               'subjectToken', jsonb_build_object('jti', parent_jti),
                               'issuedToken', jsonb_build_object('jti', jti)),
            'delegation-events', r % 6, r * 16 + i, t0 + i * interval '10 ms' + interval '40 ms'
     FROM q_step WHERE NOT (${MISSING_EXCHANGE} AND i = n)`,
  ],
  [
    'events (actions)',
    `INSERT INTO events (id, source, ce_id, type, tenant, target_tenant, request_id, time, data, topic, partition, "offset", received_at)
     SELECT r * 16 + 8 + i, 'gw://' || tenant || '/edge', ${md5(sqlText('h'), 'r', 'i')}::uuid::text,
            'provenant.action.performed', tenant, CASE WHEN ${CROSS_TENANT} AND i = n THEN other_tenant END,
            request_id, t0 + interval '100 ms' + i * interval '10 ms',
            jsonb_build_object('requestId', request_id, 'hopId', 'h' || i, 'actor', jsonb_build_object('id', subject),
                               'target', jsonb_build_object('service', service), 'token', jsonb_build_object('jti', jti)),
            'delegation-events', r % 6, r * 16 + 8 + i, t0 + interval '140 ms' + i * interval '10 ms'
     FROM q_step`,
  ],
  [
    'events (revocations)',
    `INSERT INTO events (id, source, ce_id, type, tenant, target_tenant, request_id, time, data, topic, partition, "offset", received_at)
     SELECT r * 16 + 15, 'gw://' || tenant || '/edge', ${md5(sqlText('revoked'), 'r')}::uuid::text,
            'provenant.token.revoked', tenant, NULL, NULL, t0 + interval '105 ms',
            jsonb_build_object('token', jsonb_build_object('jti', ${tokenJti('r', '1')}), 'reason', 'session ended'),
            'delegation-events', r % 6, r * 16 + 15, t0 + interval '145 ms'
     FROM q_req WHERE ${REVOKED}`,
  ],
  [
    'requests',
    `INSERT INTO requests (request_id, first_seen_at, last_seen_at)
     SELECT request_id, t0 + interval '10 ms', t0 + interval '100 ms' + n * interval '10 ms' FROM q_req`,
  ],
  [
    'tokens',
    `INSERT INTO tokens (key, reporter, tenant, issuer, jti, fingerprint, audience, scopes, issued_at, expires_at, claims,
                         parent_key, actor_token_key, revoked_at, revoke_reason, first_seen_at)
     SELECT parent_key, tenant, tenant, 'https://login.' || tenant || '.example', parent_jti, NULL, '{}'::text[], '{}'::text[], NULL, NULL, NULL,
            NULL, NULL, NULL, NULL, t0 + interval '10 ms'
     FROM q_step WHERE i = 1
     UNION ALL
     SELECT token_key, tenant, tenant, 'https://sts.' || tenant || '.example', jti, NULL,
            CASE WHEN gap THEN '{}'::text[] ELSE ARRAY[service] END,
            CASE WHEN gap THEN '{}'::text[] ELSE '{read}'::text[] END,
            CASE WHEN gap THEN NULL ELSE t0 + i * interval '10 ms' END,
            CASE WHEN gap THEN NULL ELSE t0 + interval '30 minutes' END,
            CASE WHEN gap THEN NULL ELSE jsonb_build_object('sub', origin_subject, 'act', ${actClaim()}) END,
            CASE WHEN gap THEN NULL ELSE parent_key END, NULL,
            CASE WHEN ${REVOKED} AND i = 1 THEN t0 + interval '105 ms' END,
            CASE WHEN ${REVOKED} AND i = 1 THEN 'session ended' END,
            t0 + i * interval '10 ms'
     FROM q_step JOIN q_subs USING (r), LATERAL (SELECT ${MISSING_EXCHANGE} AND i = n AS gap) g`,
  ],
  [
    'token_exchanges',
    `INSERT INTO token_exchanges (event_id, request_id, tenant, subject_id, actor_id, subject_token_key, actor_token_key,
                                  issued_token_key, grant_type, occurred_at)
     SELECT r * 16 + i, request_id, tenant, origin_id, actor_id, parent_key, NULL, token_key,
            'urn:ietf:params:oauth:grant-type:token-exchange', t0 + i * interval '10 ms'
     FROM q_step WHERE NOT (${MISSING_EXCHANGE} AND i = n)`,
  ],
  [
    'hops',
    `INSERT INTO hops (event_id, request_id, hop_id, parent_hop_id, tenant, actor_id, on_behalf_of_id, tool_name, tool_server,
                       target_service, target_tenant, target_resource, target_action, token_key, decision, reason, occurred_at)
     SELECT r * 16 + 8 + i, request_id, 'h' || i,
            CASE WHEN i > 1 THEN 'h' || (i - 1) WHEN ${MISSING_PARENT} THEN 'h0' END,
            tenant, actor_id, origin_id,
            CASE WHEN kind = 'agent' THEN 'tool-' || i END,
            CASE WHEN kind = 'agent' THEN 'mcp://tools.' || tenant || '.example' END,
            service, CASE WHEN ${CROSS_TENANT} AND i = n THEN other_tenant END, 'res/' || r, action, token_key,
            (CASE WHEN denied THEN 'deny' ELSE 'allow' END)::decision,
            CASE WHEN denied THEN 'policy: ' || action || ' not allowed' END,
            t0 + interval '100 ms' + i * interval '10 ms'
     FROM q_step`,
  ],
  [
    'anomalies',
    `INSERT INTO anomalies (rule, severity, request_id, tenant, target_tenant, dedupe_key, summary, details, detected_at)
     SELECT a.rule, a.severity::severity, request_id, tenant, a.target_tenant, a.rule || ':' || request_id, a.summary,
            jsonb_build_object('requestId', request_id), t0 + interval '1 second'
     FROM q_req, LATERAL (
       SELECT 'UNTRACKED_HOP' AS rule, 'MEDIUM' AS severity, NULL AS target_tenant,
              'hop h1 names parent hop h0, which never arrived' AS summary WHERE ${MISSING_PARENT}
       UNION ALL SELECT 'USE_AFTER_REVOCATION', 'HIGH', NULL, 'a token was used after it was revoked' WHERE ${REVOKED}
       UNION ALL SELECT 'CROSS_TENANT_DELEGATION', 'CRITICAL', other_tenant,
              'a ' || tenant || ' token was used against ' || other_tenant WHERE ${CROSS_TENANT}
       UNION ALL SELECT 'AUDIENCE_MISMATCH', 'LOW', NULL, 'the target is not in the token audience' WHERE ${AUDIENCE_FLAG}
     ) a`,
  ],
];

/** Drops the keys and indexes of the loaded tables; returns the statements that rebuild them. */
async function dropKeysAndIndexes(client) {
  const { rows: constraints } = await client.query(
    `SELECT c.conname AS name, c.conrelid::regclass::text AS tbl, pg_get_constraintdef(c.oid) AS def
     FROM pg_constraint c
     WHERE c.conrelid = ANY($1::regclass[]) AND c.contype IN ('p', 'u')`,
    [LOAD_TABLES],
  );
  const { rows: indexes } = await client.query(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype IN ('p', 'u'))`,
    [LOAD_TABLES],
  );
  for (const index of indexes) await client.query(`DROP INDEX "${index.name}"`);
  for (const c of constraints)
    await client.query(`ALTER TABLE ${c.tbl} DROP CONSTRAINT "${c.name}"`);
  return [
    ...constraints.map((c) => `ALTER TABLE ${c.tbl} ADD CONSTRAINT "${c.name}" ${c.def}`),
    ...indexes.map((index) => index.def),
  ];
}

async function load(client) {
  const started = Date.now();
  const step = async (label, sql) => {
    const at = Date.now();
    const result = await client.query(sql);
    log(
      `  ${label}: ${result.rowCount !== null ? `${result.rowCount.toLocaleString('en-US')} rows, ` : ''}${seconds(Date.now() - at).toFixed(1)} s`,
    );
  };
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET maintenance_work_mem = '512MB'`);
  await client.query(`SET work_mem = '64MB'`);
  for (const sql of PLAN) await client.query(sql);
  log(
    `  planned ${REQUESTS.toLocaleString('en-US')} requests in ${seconds(Date.now() - started).toFixed(1)} s`,
  );
  const rebuild = await dropKeysAndIndexes(client);
  for (const [label, sql] of LOAD) await step(label, sql);
  for (const sequence of [
    ['events', 'id'],
    ['principals', 'id'],
  ])
    await client.query(
      `SELECT setval(pg_get_serial_sequence('${sequence[0]}', '${sequence[1]}'), (SELECT max(${sequence[1]}) FROM ${sequence[0]}))`,
    );
  const indexing = Date.now();
  for (const sql of rebuild) await client.query(sql);
  log(`  keys and indexes rebuilt in ${seconds(Date.now() - indexing).toFixed(1)} s`);
  const analyzing = Date.now();
  await client.query(`VACUUM (ANALYZE) ${LOAD_TABLES.join(', ')}`);
  log(`  VACUUM ANALYZE in ${seconds(Date.now() - analyzing).toFixed(1)} s`);
  const { rows } = await client.query(`SELECT
    (SELECT count(*) FROM requests)::int AS requests, (SELECT count(*) FROM hops)::int AS hops,
    (SELECT count(*) FROM token_exchanges)::int AS exchanges, (SELECT count(*) FROM tokens)::int AS tokens,
    (SELECT count(*) FROM principals)::int AS principals, (SELECT count(*) FROM events)::int AS events,
    (SELECT count(*) FROM anomalies)::int AS anomalies,
    pg_database_size(current_database())::bigint AS bytes`);
  return { ...rows[0], ms: Date.now() - started };
}

// ---------------------------------------------------------------------------------------
// Sampling: seeded, so every run of the same size asks for the same requests.

function rng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The measured requests with what their answers must hold, and other requests to warm up with. */
async function pickRequests(client, count, warmup) {
  const random = rng(SEED);
  const picked = new Set();
  while (picked.size < count) picked.add(Math.floor(random() * REQUESTS));
  const warm = new Set();
  while (warm.size < Math.min(warmup, REQUESTS - count)) {
    const r = Math.floor(random() * REQUESTS);
    if (!picked.has(r)) warm.add(r);
  }
  const { rows } = await client.query(
    `SELECT r, request_id, tenant, n, origin_subject,
            (${MISSING_EXCHANGE} OR ${MISSING_PARENT}) AS irregular,
            (CASE WHEN ${MISSING_PARENT} OR ${REVOKED} OR ${CROSS_TENANT} OR ${AUDIENCE_FLAG} THEN 1 ELSE 0 END) AS anomalies
     FROM q_req WHERE r = ANY($1::int[])`,
    [[...picked, ...warm]],
  );
  const byR = new Map(rows.map((row) => [row.r, row]));
  const expectation = (r) => {
    const row = byR.get(r);
    return {
      requestId: row.request_id,
      tenant: row.tenant,
      hops: row.n,
      tokens: row.n + 1,
      origin: row.origin_subject,
      anomalies: row.anomalies,
      complete: !row.irregular,
    };
  };
  return { sample: [...picked].map(expectation), warm: [...warm].map(expectation) };
}

// ---------------------------------------------------------------------------------------
// Contender 1: the API over HTTP.

const PROVENANCE_QUERY = `query Provenance($requestId: ID!) {
  provenance(requestId: $requestId) {
    requestId
    origin { id kind }
    chain { position principal { id kind } }
    hops {
      hopId parentHopId
      actor { id }
      onBehalfOf { id }
      target { service }
      decision
      token { jti }
    }
    tokens { token { jti } parent { jti } }
    gaps { kind reason }
    anomalies { rule severity }
    complete
  }
}`;

async function startApi({ databaseUrl, brokers }) {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const service = await spawnService({
    name: 'api',
    main: API_MAIN,
    cwd: ROOT,
    nodeArgs,
    graceMs: 10_000,
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: brokers,
      KAFKA_ANOMALY_TOPIC: ANOMALY_TOPIC,
      PORT: String(port),
      HOST: '127.0.0.1',
      AUTH_JWKS_FILE: DEV_JWKS_FILE,
      AUTH_ISSUER: DEV_ISSUER,
      AUTH_AUDIENCE: DEV_AUDIENCE,
    },
  });
  const { child, stop, fail } = service;
  const spawned = Date.now();
  for (;;) {
    if (service.isGone()) throw fail('the API exited during start-up');
    if (Date.now() - spawned > 90_000) throw fail('the API was not ready after 90 s');
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    await sleep(100);
  }
  return {
    port,
    pid: child.pid,
    startMs: Date.now() - spawned,
    stop,
    output: service.output,
    fail,
  };
}

/** POSTs one GraphQL request over a single keep-alive connection; resolves with the parsed body. */
function graphqlClient(port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  cleanups.push(() => agent.destroy());
  return (token, body) =>
    new Promise((resolve, reject) => {
      const payload = Buffer.from(body);
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/graphql',
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': payload.length,
            authorization: `Bearer ${token}`,
          },
        },
        (response) => {
          const chunks = [];
          response.on('data', (chunk) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: response.statusCode, body: JSON.parse(text) });
            } catch {
              reject(new Error(`HTTP ${response.statusCode}: ${text.slice(0, 500)}`));
            }
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
}

async function signTokens(jose) {
  const jwk = ensureDevKeys();
  const key = await jose.importJWK(jwk, 'ES256');
  const tokens = new Map();
  for (const tenant of TENANTS) {
    tokens.set(
      tenant,
      await new jose.SignJWT({ tenants: [tenant], roles: ['investigator'] })
        .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'JWT' })
        .setSubject(`bench-query@${tenant}`)
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(key),
    );
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------
// Contender 2: the hand-written SQL reference, one statement per request.

const REFERENCE_SQL = `
WITH h AS (
  SELECT h.hop_id, h.parent_hop_id, h.token_key, h.decision, h.reason, h.occurred_at,
         h.tool_name, h.tool_server, h.target_service, h.target_tenant, h.target_resource, h.target_action,
         a.subject AS a_id, a.issuer AS a_issuer, a.tenant AS a_tenant, a.kind AS a_kind,
         o.subject AS o_id, o.issuer AS o_issuer, o.tenant AS o_tenant, o.kind AS o_kind
  FROM hops h
  JOIN principals a ON a.id = h.actor_id
  LEFT JOIN principals o ON o.id = h.on_behalf_of_id
  WHERE h.request_id = $1 AND (h.tenant = ANY($2::text[]) OR h.target_tenant = ANY($2::text[]))
), x AS (
  SELECT x.subject_token_key, x.actor_token_key, x.issued_token_key, x.grant_type, x.occurred_at,
         s.subject AS s_id, s.issuer AS s_issuer, s.tenant AS s_tenant, s.kind AS s_kind,
         a.subject AS a_id, a.issuer AS a_issuer, a.tenant AS a_tenant, a.kind AS a_kind
  FROM token_exchanges x
  JOIN principals s ON s.id = x.subject_id
  JOIN principals a ON a.id = x.actor_id
  WHERE x.request_id = $1 AND x.tenant = ANY($2::text[])
), lineage AS (
  WITH RECURSIVE up(key) AS (
    SELECT token_key FROM h WHERE token_key IS NOT NULL
    UNION SELECT subject_token_key FROM x
    UNION SELECT issued_token_key FROM x
    UNION SELECT actor_token_key FROM x WHERE actor_token_key IS NOT NULL
    UNION
    SELECT t.parent_key FROM tokens t JOIN up ON t.key = up.key WHERE t.parent_key IS NOT NULL
  )
  SELECT t.* FROM tokens t WHERE t.key IN (SELECT key FROM up)
)
SELECT
  (SELECT json_agg(json_build_object(
     'hopId', hop_id, 'parentHopId', parent_hop_id, 'tokenKey', token_key, 'decision', decision, 'reason', reason,
     'occurredAt', occurred_at, 'tool', tool_name, 'toolServer', tool_server,
     'target', json_build_object('service', target_service, 'tenant', target_tenant, 'resource', target_resource,
                                 'action', target_action),
     'actor', json_build_object('id', a_id, 'issuer', a_issuer, 'tenant', a_tenant, 'kind', a_kind),
     'onBehalfOf', CASE WHEN o_id IS NOT NULL THEN
                     json_build_object('id', o_id, 'issuer', o_issuer, 'tenant', o_tenant, 'kind', o_kind) END)
     ORDER BY occurred_at, hop_id) FROM h) AS hops,
  (SELECT json_agg(json_build_object(
     'subjectTokenKey', subject_token_key, 'actorTokenKey', actor_token_key, 'issuedTokenKey', issued_token_key,
     'grantType', grant_type, 'occurredAt', occurred_at,
     'subject', json_build_object('id', s_id, 'issuer', s_issuer, 'tenant', s_tenant, 'kind', s_kind),
     'actor', json_build_object('id', a_id, 'issuer', a_issuer, 'tenant', a_tenant, 'kind', a_kind))
     ORDER BY occurred_at, issued_token_key) FROM x) AS exchanges,
  (SELECT json_agg(json_build_object(
     'key', t.key, 'jti', t.jti, 'issuer', t.issuer, 'tenant', t.tenant, 'audience', t.audience, 'scopes', t.scopes,
     'issuedAt', t.issued_at, 'expiresAt', t.expires_at, 'revokedAt', t.revoked_at, 'claims', t.claims,
     'parentKey', t.parent_key, 'parentJti', p.jti)
     ORDER BY t.issued_at NULLS FIRST, t.key) FROM lineage t LEFT JOIN lineage p ON p.key = t.parent_key) AS tokens,
  (SELECT json_agg(json_build_object('id', id::text, 'rule', rule, 'severity', severity, 'summary', summary,
                                     'detectedAt', detected_at) ORDER BY id)
   FROM anomalies
   WHERE request_id = $1 AND (tenant = ANY($2::text[]) OR target_tenant = ANY($2::text[]))) AS anomalies`;

async function referenceAnswer(client, requestId, tenants) {
  const { rows } = await client.query(REFERENCE_SQL, [requestId, tenants]);
  const { hops, exchanges, tokens, anomalies } = rows[0];
  if (!hops && !exchanges && !anomalies) return null;
  // The chain: the first exchange's subject, then each delegate in order.
  const chain = [];
  for (const x of exchanges ?? []) {
    if (chain.length === 0) chain.push(x.subject);
    if (chain[chain.length - 1].id !== x.actor.id) chain.push(x.actor);
  }
  return {
    origin: chain[0] ?? hops?.[0]?.onBehalfOf ?? null,
    chain,
    hops: hops ?? [],
    tokens: tokens ?? [],
    anomalies: anomalies ?? [],
  };
}

// ---------------------------------------------------------------------------------------

/** Throws unless the API answer is the generated truth and the SQL reference's answer. */
function check(expected, api, sql) {
  const problems = [];
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

const percentile = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
const summary = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1],
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
};
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
const elapsedMs = (from) => Number(process.hrtime.bigint() - from) / 1e6;

async function main() {
  const benchStarted = Date.now();
  if (process.env.BENCH_NO_BUILD === '1') {
    log('preparing the checkout (BENCH_NO_BUILD=1: the existing build in dist/ is used)');
    ensureDependencies();
    ensurePrismaClient();
  } else {
    log('preparing the checkout (dependencies, Prisma client, build)');
    setup({ withBuild: true });
  }
  const { default: pg } = await import('pg');
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  const jose = await import('jose');
  const { createDatabase, dropDatabase, migrate, DEFAULT_DATABASE_URL } = await import('./db.mjs');

  const suffix = randomBytes(4).toString('hex');
  const databaseUrl = new URL(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  databaseUrl.pathname = `/provenant_benchq_${suffix}`;
  if (process.env.BENCH_QUERY_KEEP_DB === '1')
    cleanups.push(() => log(`BENCH_QUERY_KEEP_DB=1: the database stays, ${databaseUrl}`));
  else cleanups.push(() => dropDatabase(databaseUrl.toString()));
  await createDatabase(databaseUrl.toString());
  await migrate(databaseUrl.toString());
  log(`database provenant_benchq_${suffix} created and migrated`);

  const broker = await startKafka({ port: await freePort(), log: false });
  cleanups.push(once(() => broker.stop()));
  // The topic the API's anomaly feed reads, as the ingestor would have created it.
  const admin = new Kafka({
    clientId: 'bench-query',
    brokers: [broker.brokers],
    logLevel: logLevel.ERROR,
  }).admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic: ANOMALY_TOPIC, numPartitions: 1, replicationFactor: 1 }],
  });
  await admin.disconnect();
  log(`broker ready at ${broker.brokers}`);

  const loader = new pg.Client({ connectionString: databaseUrl.toString() });
  const endLoader = once(() => loader.end());
  cleanups.push(endLoader);
  await loader.connect();
  log(`loading ${REQUESTS.toLocaleString('en-US')} requests directly with SQL`);
  const loaded = await load(loader);
  log(
    `loaded ${fmt(loaded.hops)} hops, ${fmt(loaded.exchanges)} exchanges, ${fmt(loaded.tokens)} tokens, ` +
      `${fmt(loaded.events)} events in ${seconds(loaded.ms).toFixed(1)} s`,
  );
  const { sample, warm } = await pickRequests(loader, SAMPLES, WARMUP);
  await endLoader();

  const api = await startApi({ databaseUrl: databaseUrl.toString(), brokers: broker.brokers });
  log(`API ready in ${seconds(api.startMs).toFixed(1)} s`);
  const post = graphqlClient(api.port);
  const tokens = await signTokens(jose);
  const askApi = async (expected) => {
    const body = JSON.stringify({
      query: PROVENANCE_QUERY,
      variables: { requestId: expected.requestId },
    });
    const started = process.hrtime.bigint();
    const response = await post(tokens.get(expected.tenant), body);
    const ms = elapsedMs(started);
    if (response.status !== 200 || response.body.errors) {
      throw api.fail(
        `the API failed for ${expected.requestId}: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 500)}`,
      );
    }
    return { ms, answer: response.body.data.provenance };
  };

  const reference = new pg.Client({ connectionString: databaseUrl.toString() });
  const endReference = once(() => reference.end());
  cleanups.push(endReference);
  await reference.connect();
  const askSql = async (expected) => {
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

  const apiMs = [];
  const sqlMs = [];
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
    if (a.answer.complete) complete += 1;
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
    `Query benchmark: provenance(requestId) on ${fmt(loaded.hops)} hops over ${fmt(loaded.requests)} requests ` +
      `(${fmt(loaded.exchanges)} exchanges, ${fmt(loaded.tokens)} tokens, ${fmt(loaded.events)} events, ` +
      `${fmt(loaded.principals)} principals, ${fmt(loaded.anomalies)} anomalies; ${fmt(loaded.bytes / 1024 / 1024)} MB)`,
  );
  out(
    `Loaded directly with SQL in ${seconds(loaded.ms).toFixed(1)} s; ${fmt(sample.length)} random requests, ` +
      `one at a time, after ${warm.length} warm-up requests each.`,
  );
  out();
  out(pad(['ms per request', 'p50', 'p90', 'p99', 'max', 'mean'], widths));
  out(
    pad(
      [
        'api: POST /graphql provenance(requestId)',
        fmt(a.p50, 2),
        fmt(a.p90, 2),
        fmt(a.p99, 2),
        fmt(a.max, 2),
        fmt(a.mean, 2),
      ],
      widths,
    ),
  );
  out(
    pad(
      [
        'sql: one hand-written statement (pg)',
        fmt(s.p50, 2),
        fmt(s.p90, 2),
        fmt(s.p99, 2),
        fmt(s.max, 2),
        fmt(s.mean, 2),
      ],
      widths,
    ),
  );
  out();
  out(
    `answers: all ${fmt(sample.length)} checked against the generated graph and the SQL reference ` +
      `(hops, origin, tokens, anomalies); complete ${fmt(complete)} (expected ${fmt(expectedComplete)}).`,
  );
  const verdict = (ok) => (ok ? 'ok' : 'MISSED');
  out(
    `targets: p99 < ${TARGETS.p99Ms} ms ${verdict(a.p99 < TARGETS.p99Ms)}, ` +
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
    }),
  );
}

try {
  await main();
} catch (error) {
  log(`failed: ${error.stack ?? error.message}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
