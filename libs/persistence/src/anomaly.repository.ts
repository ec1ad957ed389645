import {
  severitiesFrom,
  type AnomalyChangeKind,
  type Severity,
  type TenantScope,
  type TriageDecision,
} from '@app/graph';
import { Injectable } from '@nestjs/common';
import { PUBLISH_CHANGED } from './anomaly-changes.sql';
import { ANOMALY_COLUMNS, fromAnomalyModel, toAnomaly, type AnomalyRecord } from './anomaly-record';
import { DatabaseService } from './database.service';
import { scopeParam } from './scope-param';
import type { Prisma } from './generated/prisma/client';
import type { StoredAnomaly } from './graph-rows';

export interface AnomalyQuery {
  rules?: string[];
  minSeverity?: Severity;
  requestId?: string;
  since?: Date;
  until?: Date;
  /** Return anomalies with a smaller id than this one (newest first). */
  beforeId?: string;
  /** true: only suppressed anomalies; false: only those not suppressed; absent: both. */
  suppressed?: boolean;
  limit: number;
}

/** An analyst's decision on an anomaly, with who made it. */
export interface TriageChange {
  anomalyId: string;
  triage: TriageDecision;
  actor: string;
  note: string | null;
}

/** One entry of an anomaly's history. */
export interface AnomalyChangeRecord {
  anomalyId: string;
  version: number;
  change: AnomalyChangeKind;
  actor: string | null;
  reason: string | null;
  suppressionId: string | null;
  at: Date;
}

/** What a scope may see: raised in one of its tenants, or against one. */
function visibleIn(scope: TenantScope): Prisma.AnomalyWhereInput {
  if (scope.kind === 'system') return {};
  const tenants = [...scope.tenants];
  return { OR: [{ tenant: { in: tenants } }, { targetTenant: { in: tenants } }] };
}

/**
 * Anomalies a scope may see. Plain indexed lookups and listings: Prisma, typed from
 * schema.prisma (the anomalies are written with the batch, in set-based SQL, by the event store).
 */
@Injectable()
export class AnomalyRepository {
  constructor(private readonly database: DatabaseService) {}

  async list(scope: TenantScope, query: AnomalyQuery): Promise<StoredAnomaly[]> {
    const rows = await this.database.prisma.anomaly.findMany({
      where: {
        AND: [
          visibleIn(scope),
          {
            rule: query.rules ? { in: query.rules } : undefined,
            severity: query.minSeverity ? { in: severitiesFrom(query.minSeverity) } : undefined,
            requestId: query.requestId,
            detectedAt: { gte: query.since, lt: query.until },
            id: query.beforeId !== undefined ? { lt: BigInt(query.beforeId) } : undefined,
            suppressedBy:
              query.suppressed === undefined ? undefined : query.suppressed ? { not: null } : null,
          },
        ],
      },
      orderBy: { id: 'desc' },
      take: query.limit,
    });
    return rows.map(fromAnomalyModel);
  }

  async forRequests(
    scope: TenantScope,
    requestIds: readonly string[],
  ): Promise<Map<string, StoredAnomaly[]>> {
    const rows = await this.database.prisma.anomaly.findMany({
      where: { AND: [visibleIn(scope), { requestId: { in: [...requestIds] } }] },
      orderBy: { id: 'asc' },
    });
    const byRequest = new Map<string, StoredAnomaly[]>();
    for (const row of rows) {
      const list = byRequest.get(row.requestId!) ?? [];
      list.push(fromAnomalyModel(row));
      byRequest.set(row.requestId!, list);
    }
    return byRequest;
  }

  /** One anomaly, if the scope may see it. */
  async find(scope: TenantScope, id: string): Promise<StoredAnomaly | null> {
    const row = await this.database.prisma.anomaly.findFirst({
      where: { AND: [visibleIn(scope), { id: BigInt(id) }] },
    });
    return row && fromAnomalyModel(row);
  }

  /**
   * Moves an anomaly the scope may see to `triage`, as one statement: the new version, its
   * history entry (who, why) and its publication (PUBLISH_CHANGED) commit together. Null
   * when the scope may not see it, or when it already is in that state (nothing changes).
   */
  async triage(scope: TenantScope, change: TriageChange): Promise<StoredAnomaly | null> {
    const { rows } = await this.database.pool.query<AnomalyRecord>(
      `WITH changed AS (
         UPDATE anomalies a SET triage = $3::anomaly_triage, version = a.version + 1, changed_at = now(),
                feed_seq = NULL
         WHERE a.id = $1::bigint AND a.triage <> $3::anomaly_triage
           AND ($2::text[] IS NULL OR a.tenant = ANY($2::text[]) OR a.target_tenant = ANY($2::text[]))
         RETURNING ${ANOMALY_COLUMNS}, $3::text AS change, $4::text AS actor,
                   CASE WHEN $2::text[] IS NOT NULL THEN ARRAY(
                     SELECT t FROM unnest($2::text[]) AS t WHERE t = a.tenant OR t = a.target_tenant
                   ) END AS actor_tenants,
                   $5::text AS reason, NULL::bigint AS suppression_id
       ), ${PUBLISH_CHANGED}`,
      [change.anomalyId, scopeParam(scope), change.triage, change.actor, change.note],
    );
    return rows[0] ? toAnomaly(rows[0]) : null;
  }

  /**
   * The history of each anomaly the scope may see, oldest change first. Who made an
   * analyst's change and why is shown only to the analyst's own tenants: the other tenant of
   * a cross-tenant anomaly sees that it was triaged, not by whom nor the note.
   */
  async history(
    scope: TenantScope,
    anomalyIds: readonly string[],
  ): Promise<Map<string, AnomalyChangeRecord[]>> {
    const rows = await this.database.prisma.anomalyChange.findMany({
      where: {
        anomalyId: { in: anomalyIds.map((id) => BigInt(id)) },
        anomaly: visibleIn(scope),
      },
      orderBy: [{ anomalyId: 'asc' }, { version: 'asc' }],
    });
    const byAnomaly = new Map<string, AnomalyChangeRecord[]>();
    for (const row of rows) {
      const anomalyId = row.anomalyId.toString();
      const list = byAnomaly.get(anomalyId) ?? [];
      const tenants = row.actorTenants ?? [];
      const shown =
        scope.kind === 'system' ||
        tenants.length === 0 ||
        tenants.some((tenant) => scope.tenants.includes(tenant));
      list.push({
        anomalyId,
        version: row.version,
        change: row.change as AnomalyChangeKind,
        actor: shown ? row.actor : null,
        reason: shown ? row.reason : null,
        suppressionId: row.suppressionId?.toString() ?? null,
        at: row.at,
      });
      byAnomaly.set(anomalyId, list);
    }
    return byAnomaly;
  }

  /** The last position of the live feed (0 when nothing was published yet). */
  async feedHead(): Promise<string> {
    const { _max } = await this.database.prisma.anomaly.aggregate({ _max: { feedSeq: true } });
    return (_max.feedSeq ?? 0n).toString();
  }

  /** Published anomalies the scope may see, after feed position `after`, in feed order. */
  async feedAfter(scope: TenantScope, after: string, limit: number): Promise<StoredAnomaly[]> {
    const rows = await this.database.prisma.anomaly.findMany({
      where: { AND: [visibleIn(scope), { feedSeq: { gt: BigInt(after) } }] },
      orderBy: { feedSeq: 'asc' },
      take: limit,
    });
    return rows.map(fromAnomalyModel);
  }
}
