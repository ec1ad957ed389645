import type { TenantScope } from '@app/graph';
import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { Readable } from 'node:stream';
import { CursorLines, type RowsText } from './cursor-lines';
import { DatabaseService } from './database.service';
import { isoText as iso } from './iso-text.sql';
import { scopeParam } from './scope-param';

/** A page of an export: records after position `after`, at most `limit`, in one time window. */
export interface ExportPageQuery {
  after: bigint | null;
  limit: number;
  /** Event time (events) or detection time (anomalies) window: [since, until). */
  since?: Date;
  until?: Date;
}

/**
 * Where a page ends, known before any of it is read: `through` is the last position the page
 * holds (null when empty); `next` is where the following page starts. A short page ends at
 * the head: positions are assigned in order and never change, so everything up to the head
 * that the scope may see is in this page.
 */
export interface ExportPageBounds {
  through: bigint | null;
  next: bigint | null;
  count: number;
}

/** A stored event as the export streams it: its ledger record (canonical JSON text), unparsed. */
export interface ExportEventRow {
  position: string;
  record: string;
}

/** A published anomaly as the export streams it; `details` is the stored JSON text. */
export interface ExportAnomalyRow {
  position: string;
  id: string;
  rule: string;
  severity: string;
  requestId: string | null;
  tenant: string;
  targetTenant: string | null;
  summary: string;
  details: string;
  detectedAt: string;
  verdict: string;
  verdictReason: string | null;
  triage: string;
  version: number;
  changedAt: string;
  suppressedBy: string | null;
}

interface Source {
  /** The ordered, scoped rows: `$1` scope, `$2` after, `$3` since, `$4` until. */
  from: string;
  position: string;
  head: string;
}

// Events are read from the ledger's leaves alone: each holds the event's record as the
// NDJSON export serves it, its tenants and its time, so a page is one index range scan.
// Only integrated events are exported: every record a SIEM receives is provable.
const EVENTS: Source = {
  from: `ledger_leaves l
    WHERE ($1::text[] IS NULL OR l.tenant = ANY($1::text[]) OR l.target_tenant = ANY($1::text[]))
      AND l.leaf_index > $2::bigint
      AND ($3::timestamptz IS NULL OR l.event_time >= $3) AND ($4::timestamptz IS NULL OR l.event_time < $4)`,
  position: 'l.leaf_index',
  head: 'SELECT max(leaf_index)::text AS head FROM ledger_leaves',
};

const ANOMALIES: Source = {
  from: `anomalies a
    WHERE ($1::text[] IS NULL OR a.tenant = ANY($1::text[]) OR a.target_tenant = ANY($1::text[]))
      AND a.feed_seq > $2::bigint
      AND ($3::timestamptz IS NULL OR a.detected_at >= $3) AND ($4::timestamptz IS NULL OR a.detected_at < $4)`,
  position: 'a.feed_seq',
  head: 'SELECT max(feed_seq)::text AS head FROM anomalies',
};

/**
 * The SIEM exports' reads: every record a scope may see, in the one order positions were
 * given (the ledger's for events, the live feed's for anomalies), streamed from a cursor.
 */
@Injectable()
export class ExportRepository {
  constructor(private readonly database: DatabaseService) {}

  eventBounds(scope: TenantScope, query: ExportPageQuery): Promise<ExportPageBounds> {
    return this.bounds(EVENTS, scope, query);
  }

  anomalyBounds(scope: TenantScope, query: ExportPageQuery): Promise<ExportPageBounds> {
    return this.bounds(ANOMALIES, scope, query);
  }

  /**
   * The page's events as text, position order, a batch of rows at a time written by `text`;
   * destroying the stream closes the cursor at once.
   */
  streamEvents(
    scope: TenantScope,
    query: ExportPageQuery,
    through: bigint,
    text: RowsText<ExportEventRow>,
  ): Promise<Readable> {
    return this.stream(
      `SELECT l.leaf_index::text AS position, l.record
       FROM ${EVENTS.from} AND l.leaf_index <= $5::bigint
       ORDER BY l.leaf_index`,
      scope,
      query,
      through,
      text,
    );
  }

  streamAnomalies(
    scope: TenantScope,
    query: ExportPageQuery,
    through: bigint,
    text: RowsText<ExportAnomalyRow>,
  ): Promise<Readable> {
    return this.stream(
      `SELECT a.feed_seq::text AS position, a.id::text AS id, a.rule, a.severity::text AS severity,
              a.request_id AS "requestId", a.tenant, a.target_tenant AS "targetTenant", a.summary,
              a.details::text AS details, ${iso('a.detected_at')} AS "detectedAt",
              a.verdict::text AS verdict, a.verdict_reason AS "verdictReason", a.triage::text AS triage,
              a.version, ${iso('a.changed_at')} AS "changedAt", a.suppressed_by::text AS "suppressedBy"
       FROM ${ANOMALIES.from} AND a.feed_seq <= $5::bigint
       ORDER BY a.feed_seq`,
      scope,
      query,
      through,
      text,
    );
  }

  private async bounds(
    source: Source,
    scope: TenantScope,
    query: ExportPageQuery,
  ): Promise<ExportPageBounds> {
    // The head first: whatever is at or below it is committed and visible to the page query.
    const head = (await this.database.pool.query<{ head: string | null }>(source.head)).rows[0]
      ?.head;
    const { rows } = await this.database.pool.query<{ through: string | null; count: number }>(
      `SELECT max(position)::text AS through, count(*)::int AS count FROM (
         SELECT ${source.position} AS position FROM ${source.from}
         ORDER BY ${source.position} LIMIT $5) page`,
      [...this.params(scope, query), query.limit],
    );
    const through = rows[0]?.through == null ? null : BigInt(rows[0].through);
    const count = rows[0]?.count ?? 0;
    const headPosition = head == null ? null : BigInt(head);
    const next =
      count === query.limit
        ? through
        : [through, headPosition, query.after].reduce<bigint | null>(
            (max, value) => (value !== null && (max === null || value > max) ? value : max),
            null,
          );
    return { through, next, count };
  }

  private async stream<R>(
    sql: string,
    scope: TenantScope,
    query: ExportPageQuery,
    through: bigint,
    text: RowsText<R>,
  ): Promise<Readable> {
    const client: PoolClient = await this.database.pool.connect();
    let released = false;
    const release = (error?: Error) => {
      if (released) return;
      released = true;
      // A cursor cut short leaves the connection mid-protocol: discard it, never reuse it.
      client.release(error ?? true);
    };
    const lines = new CursorLines(
      client,
      sql,
      [...this.params(scope, query), through.toString()],
      text,
    );
    lines.once('end', () => {
      released = true;
      client.release();
    });
    lines.once('error', (error: Error) => release(error));
    lines.once('close', () => release());
    return lines;
  }

  private params(scope: TenantScope, query: ExportPageQuery): unknown[] {
    return [
      scopeParam(scope),
      (query.after ?? -1n).toString(),
      query.since ?? null,
      query.until ?? null,
    ];
  }
}
