import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service';
import type { SeverityValue, StoredAnomaly } from './graph-rows';
import { ANOMALY_COLUMNS, toAnomaly, type AnomalyRecord } from './anomaly-record';
import { scopeParam, type TenantScope } from './tenant-scope';

export interface AnomalyQuery {
  rules?: string[];
  minSeverity?: SeverityValue;
  requestId?: string;
  since?: Date;
  until?: Date;
  /** Return anomalies with a smaller id than this one (newest first). */
  beforeId?: string;
  limit: number;
}

const SEVERITY_ORDER: SeverityValue[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** Anomalies a scope may see: raised in one of its tenants, or against one. */
@Injectable()
export class AnomalyRepository {
  constructor(private readonly database: DatabaseService) {}

  async list(scope: TenantScope, query: AnomalyQuery): Promise<StoredAnomaly[]> {
    const severities = query.minSeverity
      ? SEVERITY_ORDER.slice(SEVERITY_ORDER.indexOf(query.minSeverity))
      : null;
    const { rows } = await this.database.pool.query<AnomalyRecord>(
      `SELECT ${ANOMALY_COLUMNS}
       FROM anomalies
       WHERE ($1::text[] IS NULL OR tenant = ANY($1::text[]) OR target_tenant = ANY($1::text[]))
         AND ($2::text[] IS NULL OR rule = ANY($2::text[]))
         AND ($3::severity[] IS NULL OR severity = ANY($3::severity[]))
         AND ($4::text IS NULL OR request_id = $4)
         AND ($5::timestamptz IS NULL OR detected_at >= $5)
         AND ($6::timestamptz IS NULL OR detected_at < $6)
         AND ($7::bigint IS NULL OR id < $7::bigint)
       ORDER BY anomalies.id DESC
       LIMIT $8`,
      [
        scopeParam(scope),
        query.rules ?? null,
        severities,
        query.requestId ?? null,
        query.since ?? null,
        query.until ?? null,
        query.beforeId ?? null,
        query.limit,
      ],
    );
    return rows.map(toAnomaly);
  }

  async forRequests(
    scope: TenantScope,
    requestIds: readonly string[],
  ): Promise<Map<string, StoredAnomaly[]>> {
    const { rows } = await this.database.pool.query<AnomalyRecord>(
      `SELECT ${ANOMALY_COLUMNS}
       FROM anomalies
       WHERE request_id = ANY($2::text[])
         AND ($1::text[] IS NULL OR tenant = ANY($1::text[]) OR target_tenant = ANY($1::text[]))
       ORDER BY anomalies.id`,
      [scopeParam(scope), requestIds],
    );
    const byRequest = new Map<string, StoredAnomaly[]>();
    for (const row of rows) {
      const list = byRequest.get(row.request_id!) ?? [];
      list.push(toAnomaly(row));
      byRequest.set(row.request_id!, list);
    }
    return byRequest;
  }

  /** The last position of the live feed (0 when nothing was published yet). */
  async feedHead(): Promise<string> {
    const { rows } = await this.database.pool.query<{ head: string }>(
      'SELECT coalesce(max(feed_seq), 0)::text AS head FROM anomalies',
    );
    return rows[0]?.head ?? '0';
  }

  /** Published anomalies the scope may see, after feed position `after`, in feed order. */
  async feedAfter(scope: TenantScope, after: string, limit: number): Promise<StoredAnomaly[]> {
    const { rows } = await this.database.pool.query<AnomalyRecord>(
      `SELECT ${ANOMALY_COLUMNS}
       FROM anomalies
       WHERE feed_seq > $2::bigint
         AND ($1::text[] IS NULL OR tenant = ANY($1::text[]) OR target_tenant = ANY($1::text[]))
       ORDER BY anomalies.feed_seq
       LIMIT $3`,
      [scopeParam(scope), after, limit],
    );
    return rows.map(toAnomaly);
  }

  /** Whether the scope may see an anomaly (for pushing live ones to subscribers). */
  static visibleTo(
    scope: TenantScope,
    anomaly: Pick<StoredAnomaly, 'tenant' | 'targetTenant'>,
  ): boolean {
    if (scope.kind === 'system') return true;
    return (
      scope.tenants.includes(anomaly.tenant) ||
      (anomaly.targetTenant !== null && scope.tenants.includes(anomaly.targetTenant))
    );
  }
}
