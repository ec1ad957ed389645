// Contender 3: the limit reference. kafkajs eachBatch and JSON.parse only: no validation, no
// credential scrubbing, no anomaly rules. The rows are the product's own (its mapper and its
// in-batch merge) and meet the stored ones through its own ON CONFLICT clauses; only their
// way to the database differs: COPY FROM STDIN, events straight into their table with
// pre-allocated ids, the rest into temporary staging tables merged with one INSERT ... SELECT
// per table. One transaction and one offset commit per batch.
import type { DelegationEvent } from '@app/contract';
import { toEventGraph } from '@app/ingestion';
import {
  batchRows,
  PRINCIPALS_ON_CONFLICT,
  REQUESTS_ON_CONFLICT,
  TOKENS_ON_CONFLICT,
  type EventGraph,
  type EventKey,
  type PrincipalKey,
} from '@app/persistence';
import type { Batch, Kafka } from 'kafkajs';
import { Client } from 'pg';
import { log, onCleanUp, once, seconds } from '../kit';
import { arrayField, copyFrom, copyPayload, field, jsonField } from './copy-from';

// A principal is named by its four key columns: `<prefix>_reporter`, `_tenant`, `_issuer`
// and `_subject`.
const keyColumns = (prefix: string): string =>
  ['reporter', 'tenant', 'issuer', 'subject'].map((part) => `${prefix}_${part} text`).join(', ');
const keyFields = (key: PrincipalKey | null): string[] =>
  key
    ? [key.reporter, key.tenant, key.issuer, key.subject].map(field)
    : Array<string>(4).fill('\\N');
const sameKey = (principal: string, staged: string): string =>
  ['reporter', 'tenant', 'issuer', 'subject']
    .map((part) => `${principal}.${part} = ${staged}_${part}`)
    .join(' AND ');

const STAGING = `
  CREATE TEMP TABLE s_principals (reporter text, tenant text, issuer text, subject text, kind text, display_name text)
    ON COMMIT DELETE ROWS;
  CREATE TEMP TABLE s_tokens (reporter text, key text, tenant text, issuer text, jti text, fingerprint text,
    audience text[], scopes text[], issued_at timestamptz, expires_at timestamptz, claims jsonb, parent_key text,
    actor_token_key text, revoked_at timestamptz, revoke_reason text, field_sources jsonb) ON COMMIT DELETE ROWS;
  CREATE TEMP TABLE s_requests (request_id text, time timestamptz) ON COMMIT DELETE ROWS;
  CREATE TEMP TABLE s_exchanges (event_id bigint, request_id text, tenant text, ${keyColumns('s')}, ${keyColumns('a')},
    subject_token_key text, actor_token_key text, issued_token_key text, grant_type text, occurred_at timestamptz)
    ON COMMIT DELETE ROWS;
  CREATE TEMP TABLE s_hops (event_id bigint, request_id text, hop_id text, parent_hop_id text, tenant text,
    ${keyColumns('a')}, ${keyColumns('o')}, tool_name text, tool_server text, target_service text, target_tenant text,
    target_resource text, target_action text, token_key text, decision text, reason text, occurred_at timestamptz)
    ON COMMIT DELETE ROWS;
  CREATE TEMP TABLE s_changes (event_id bigint, ${keyColumns('p')}, change text, effective_at timestamptz, tenant text)
    ON COMMIT DELETE ROWS;`;

// Each merge reads its staging table in the order the product's statement reads its rows.
const MERGE = {
  principals: `INSERT INTO principals (reporter, tenant, issuer, subject, kind, display_name)
    SELECT reporter, tenant, issuer, subject, kind::principal_kind, display_name FROM s_principals ORDER BY 1, 2, 3, 4
    ${PRINCIPALS_ON_CONFLICT}`,
  tokens: `INSERT INTO tokens (reporter, key, tenant, issuer, jti, fingerprint, audience, scopes, issued_at, expires_at,
      claims, parent_key, actor_token_key, revoked_at, revoke_reason, field_sources)
    SELECT * FROM s_tokens ORDER BY reporter, key
    ${TOKENS_ON_CONFLICT}`,
  requests: `INSERT INTO requests (request_id, first_seen_at, last_seen_at)
    SELECT request_id, min(time), max(time) FROM s_requests GROUP BY 1 ORDER BY 1
    ${REQUESTS_ON_CONFLICT}`,
  exchanges: `INSERT INTO token_exchanges (event_id, request_id, tenant, subject_id, actor_id, subject_token_key,
      actor_token_key, issued_token_key, grant_type, occurred_at)
    SELECT x.event_id, x.request_id, x.tenant, s.id, a.id, x.subject_token_key, x.actor_token_key, x.issued_token_key,
           x.grant_type, x.occurred_at
    FROM s_exchanges x
    JOIN principals s ON ${sameKey('s', 'x.s')}
    JOIN principals a ON ${sameKey('a', 'x.a')}`,
  hops: `INSERT INTO hops (event_id, request_id, hop_id, parent_hop_id, tenant, actor_id, on_behalf_of_id, tool_name,
      tool_server, target_service, target_tenant, target_resource, target_action, token_key, decision, reason, occurred_at)
    SELECT DISTINCT ON (h.tenant, h.request_id, h.hop_id)
           h.event_id, h.request_id, h.hop_id, h.parent_hop_id, h.tenant, a.id, o.id, h.tool_name, h.tool_server,
           h.target_service, h.target_tenant, h.target_resource, h.target_action, h.token_key, h.decision::decision,
           h.reason, h.occurred_at
    FROM s_hops h
    JOIN principals a ON ${sameKey('a', 'h.a')}
    LEFT JOIN principals o ON ${sameKey('o', 'h.o')}
    ORDER BY h.tenant, h.request_id, h.hop_id, h.event_id
    ON CONFLICT (tenant, request_id, hop_id) DO NOTHING`,
  changes: `INSERT INTO principal_changes (event_id, principal_id, change, effective_at, tenant)
    SELECT c.event_id, p.id, c.change, c.effective_at, c.tenant
    FROM s_changes c JOIN principals p ON ${sameKey('p', 'c.p')}`,
};

/** COPY rows into a staging table, then merge them into the real one. */
async function stageAndMerge(
  client: Client,
  stagingTable: string,
  fieldRows: string[][],
  merge: string,
): Promise<void> {
  if (fieldRows.length === 0) return;
  await copyFrom(client, `COPY ${stagingTable} FROM STDIN`, copyPayload(fieldRows));
  await client.query(merge);
}

const eventKey = ({ source, ceId }: EventKey): string => `${source}\u0000${ceId}`;

async function limitBatch(client: Client, { topic, partition, messages }: Batch): Promise<number> {
  const graphs: EventGraph[] = messages.map((message) =>
    toEventGraph(JSON.parse(message.value!.toString('utf8')) as DelegationEvent, [], {
      topic,
      partition,
      offset: message.offset,
    }),
  );
  const rows = batchRows(graphs);
  await client.query('BEGIN');
  try {
    // COPY returns nothing, so the events' ids are taken first and written with them.
    const ids = (
      await client.query<[string]>({
        text: `SELECT nextval('events_id_seq')::text AS id FROM generate_series(1, $1)`,
        values: [graphs.length],
        rowMode: 'array',
      })
    ).rows;
    const idOf = new Map(graphs.map(({ event }, index) => [eventKey(event), ids[index][0]]));
    const eventId = (row: EventKey): string => field(idOf.get(eventKey(row)));
    await copyFrom(
      client,
      'COPY events (id, source, ce_id, type, tenant, target_tenant, request_id, time, traceparent, data, topic, partition, "offset") FROM STDIN',
      copyPayload(
        graphs.map(({ event: e }) => [
          eventId(e),
          field(e.source),
          field(e.ceId),
          field(e.type),
          field(e.tenant),
          field(e.targetTenant),
          field(e.requestId),
          field(e.time),
          field(e.traceparent),
          jsonField(e.data),
          field(e.topic),
          field(e.partition),
          field(e.offset),
        ]),
      ),
    );
    await stageAndMerge(
      client,
      's_principals',
      rows.principals.map((p) => [...keyFields(p), field(p.kind), field(p.displayName)]),
      MERGE.principals,
    );
    await stageAndMerge(
      client,
      's_tokens',
      rows.tokens.map((t) => [
        field(t.reporter),
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
        jsonField(t.sources),
      ]),
      MERGE.tokens,
    );
    await stageAndMerge(
      client,
      's_requests',
      rows.requests.map((r) => [field(r.requestId), field(r.time)]),
      MERGE.requests,
    );
    await stageAndMerge(
      client,
      's_exchanges',
      rows.exchanges.map((x) => [
        eventId(x),
        field(x.requestId),
        field(x.tenant),
        ...keyFields(x.subject),
        ...keyFields(x.actor),
        field(x.subjectTokenKey),
        field(x.actorTokenKey),
        field(x.issuedTokenKey),
        field(x.grantType),
        field(x.occurredAt),
      ]),
      MERGE.exchanges,
    );
    await stageAndMerge(
      client,
      's_hops',
      rows.hops.map((h) => [
        eventId(h),
        field(h.requestId),
        field(h.hopId),
        field(h.parentHopId),
        field(h.tenant),
        ...keyFields(h.actor),
        ...keyFields(h.onBehalfOf),
        field(h.toolName),
        field(h.toolServer),
        field(h.targetService),
        field(h.targetTenant),
        field(h.targetResource),
        field(h.targetAction),
        field(h.tokenKey),
        field(h.decision),
        field(h.reason),
        field(h.occurredAt),
      ]),
      MERGE.hops,
    );
    await stageAndMerge(
      client,
      's_changes',
      rows.changes.map((c) => [
        eventId(c),
        ...keyFields(c.principal),
        field(c.change),
        field(c.effectiveAt),
        field(c.tenant),
      ]),
      MERGE.changes,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return graphs.length;
}

export interface LimitResult {
  events: number;
  ms: number;
  cpuSeconds: number;
}

export async function runLimit({
  kafka,
  databaseUrl,
  topic,
  total,
  suffix,
}: {
  kafka: Kafka;
  databaseUrl: string;
  topic: string;
  total: number;
  suffix: string;
}): Promise<LimitResult> {
  const client = new Client({ connectionString: databaseUrl });
  const endClient = once(() => client.end());
  onCleanUp(endClient);
  await client.connect();
  await client.query(STAGING);

  const consumer = kafka.consumer({
    groupId: `bench-limit-${suffix}`,
    maxWaitTimeInMs: 500,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  const disconnect = once(() => consumer.disconnect());
  onCleanUp(disconnect);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });

  let handled = 0;
  let firstAt = 0;
  let cpuAtFirst: NodeJS.CpuUsage | undefined;
  let failure: Error | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let lastReport = Date.now();
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      if (batch.messages.length === 0 || !payload.isRunning() || payload.isStale()) return;
      if (firstAt === 0) {
        firstAt = Date.now();
        cpuAtFirst = process.cpuUsage();
      }
      try {
        handled += await limitBatch(client, batch);
      } catch (error) {
        failure = error as Error;
        finish();
        throw error;
      }
      payload.resolveOffset(batch.lastOffset());
      await consumer.commitOffsets([
        {
          topic: batch.topic,
          partition: batch.partition,
          offset: (BigInt(batch.lastOffset()) + 1n).toString(),
        },
      ]);
      await payload.heartbeat();
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
