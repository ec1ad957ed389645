import { severitiesFrom, type Severity, type TenantScope } from '@app/graph';
import { Injectable } from '@nestjs/common';
import { fromAnomalyModel } from './anomaly-record';
import { DatabaseService } from './database.service';
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
  limit: number;
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
