// Loading the query benchmark's graph: generated inside PostgreSQL with INSERT ... SELECT
// FROM generate_series (keys and indexes dropped for the load and rebuilt afterwards), and
// the seeded sample of requests to ask for, with what their answers must hold.
import type { Client } from 'pg';
import { seededRandom } from '../../infra/seeded-random';
import { log, seconds } from '../kit';
import {
  ACTIONS,
  BASE_TIME,
  DELEGATES,
  HUMANS,
  KINDS,
  LOAD_TABLES,
  REQUESTS,
  SEED,
  SERVICES,
  TENANTS,
} from './size';

/** What was loaded (row counts, the database's size) and how long it took. */
export interface Loaded {
  requests: number;
  hops: number;
  exchanges: number;
  tokens: number;
  principals: number;
  events: number;
  anomalies: number;
  bytes: string;
  ms: number;
}

/** A measured request and what its answer must hold. */
export interface Expectation {
  requestId: string;
  tenant: string;
  hops: number;
  tokens: number;
  origin: string;
  anomalies: number;
  complete: boolean;
}

// Loading: the whole graph is generated inside PostgreSQL.

const sqlText = (value: string | number): string => `'${String(value).replace(/'/g, "''")}'`;
const sqlArray = (items: readonly string[]): string =>
  `ARRAY[${items.map(sqlText).join(', ')}]::text[]`;
/** The k-th 32-bit slice (0..3) of an md5 hex column, as a non-negative bigint. */
const hx = (column: string, k: number): string =>
  `('x' || substr(${column}, ${1 + 8 * k}, 8))::bit(32)::bigint`;
const md5 = (...parts: string[]): string =>
  `md5(${[sqlText(`${SEED}`), ...parts].map((part) => `(${part})`).join(` || ':' || `)})`;
const tokenJti = (r: string, i: string): string => `${md5(sqlText('token'), r, i)}::uuid::text`;

/**
 * The `act` claim of the token issued at step `i`, RFC 8693 §4.1: the current actor
 * outermost, each prior actor nested inside; `subs` holds the request's actors in order.
 */
function actClaim(level = 0): string {
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

const PLAN: string[] = [
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

const LOAD: Array<[label: string, sql: string]> = [
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
async function dropKeysAndIndexes(client: Client): Promise<string[]> {
  const { rows: constraints } = await client.query<{ name: string; tbl: string; def: string }>(
    `SELECT c.conname AS name, c.conrelid::regclass::text AS tbl, pg_get_constraintdef(c.oid) AS def
     FROM pg_constraint c
     WHERE c.conrelid = ANY($1::regclass[]) AND c.contype IN ('p', 'u')`,
    [LOAD_TABLES],
  );
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype IN ('p', 'u'))`,
    [LOAD_TABLES],
  );
  // Foreign keys that lean on those keys (from any table) go first and come back last.
  const { rows: references } = await client.query<{ name: string; tbl: string; def: string }>(
    `SELECT c.conname AS name, c.conrelid::regclass::text AS tbl, pg_get_constraintdef(c.oid) AS def
     FROM pg_constraint c
     WHERE c.contype = 'f' AND (c.confrelid = ANY($1::regclass[]) OR c.conrelid = ANY($1::regclass[]))`,
    [LOAD_TABLES],
  );
  for (const c of references)
    await client.query(`ALTER TABLE ${c.tbl} DROP CONSTRAINT "${c.name}"`);
  for (const index of indexes) await client.query(`DROP INDEX "${index.name}"`);
  for (const c of constraints)
    await client.query(`ALTER TABLE ${c.tbl} DROP CONSTRAINT "${c.name}"`);
  const addConstraint = (c: { name: string; tbl: string; def: string }) =>
    `ALTER TABLE ${c.tbl} ADD CONSTRAINT "${c.name}" ${c.def}`;
  return [
    ...constraints.map(addConstraint),
    ...indexes.map((index) => index.def),
    ...references.map(addConstraint),
  ];
}

export async function load(client: Client): Promise<Loaded> {
  const started = Date.now();
  const step = async (label: string, sql: string) => {
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
  const { rows } = await client.query<Omit<Loaded, 'ms'>>(`SELECT
    (SELECT count(*) FROM requests)::int AS requests, (SELECT count(*) FROM hops)::int AS hops,
    (SELECT count(*) FROM token_exchanges)::int AS exchanges, (SELECT count(*) FROM tokens)::int AS tokens,
    (SELECT count(*) FROM principals)::int AS principals, (SELECT count(*) FROM events)::int AS events,
    (SELECT count(*) FROM anomalies)::int AS anomalies,
    pg_database_size(current_database())::bigint AS bytes`);
  return { ...rows[0], ms: Date.now() - started };
}

// Sampling: seeded, so every run of the same size asks for the same requests.

/** The measured requests with what their answers must hold, and other requests to warm up with. */
export async function pickRequests(
  client: Client,
  count: number,
  warmup: number,
): Promise<{ sample: Expectation[]; warm: Expectation[] }> {
  const random = seededRandom(SEED);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(random() * REQUESTS));
  const warm = new Set<number>();
  while (warm.size < Math.min(warmup, REQUESTS - count)) {
    const r = Math.floor(random() * REQUESTS);
    if (!picked.has(r)) warm.add(r);
  }
  const { rows } = await client.query<{
    r: number;
    request_id: string;
    tenant: string;
    n: number;
    origin_subject: string;
    irregular: boolean;
    anomalies: number;
  }>(
    `SELECT r, request_id, tenant, n, origin_subject,
            (${MISSING_EXCHANGE} OR ${MISSING_PARENT}) AS irregular,
            (CASE WHEN ${MISSING_PARENT} OR ${REVOKED} OR ${CROSS_TENANT} OR ${AUDIENCE_FLAG} THEN 1 ELSE 0 END) AS anomalies
     FROM q_req WHERE r = ANY($1::int[])`,
    [[...picked, ...warm]],
  );
  const byR = new Map(rows.map((row) => [row.r, row]));
  const expectation = (r: number): Expectation => {
    const row = byR.get(r)!;
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
