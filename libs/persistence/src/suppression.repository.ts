import type { TenantScope } from '@app/graph';
import { Injectable } from '@nestjs/common';
import { anomalyColumns, PUBLISH_CHANGED } from './anomaly-changes.sql';
import { toAnomaly, type AnomalyRecord } from './anomaly-record';
import { DatabaseService } from './database.service';
import type { StoredAnomaly } from './graph-rows';
import { scopeParam } from './scope-param';
import { clientOf, type Transaction } from './transaction';

/** A suppression as stored: its conditions (null matches anything) and its audit trail. */
export interface StoredSuppression {
  id: string;
  tenant: string;
  targetTenant: string | null;
  rule: string | null;
  principalId: string | null;
  principalIssuer: string | null;
  issuer: string | null;
  targetService: string | null;
  reason: string;
  expiresAt: Date | null;
  createdBy: string;
  createdAt: Date;
  revokedBy: string | null;
  revokedAt: Date | null;
}

export type NewSuppression = Omit<
  StoredSuppression,
  'id' | 'createdAt' | 'revokedBy' | 'revokedAt'
>;

/** An open anomaly a suppression might silence, with what matching reads. */
export interface SuppressionCandidate {
  id: string;
  rule: string;
  tenant: string;
  targetTenant: string | null;
  details: unknown;
}

export interface SuppressionQuery {
  /** Also revoked and expired ones. */
  includeInactive: boolean;
  /** Newest first: those with a smaller id than this one. */
  beforeId?: string;
  limit: number;
}

const COLUMNS = `id::text, tenant, target_tenant AS "targetTenant", rule, principal_id AS "principalId",
  principal_issuer AS "principalIssuer", issuer, target_service AS "targetService", reason,
  expires_at AS "expiresAt", created_by AS "createdBy", created_at AS "createdAt",
  revoked_by AS "revokedBy", revoked_at AS "revokedAt"`;

// A scope sees a suppression when it holds every tenant the suppression touches.
const VISIBLE = `($1::text[] IS NULL OR (tenant = ANY($1::text[])
  AND (target_tenant IS NULL OR target_tenant = ANY($1::text[]))))`;

/**
 * Suppressions: written by admins of their tenants, read by the ingestor as it stores what
 * the rules find. Audited: revoking keeps the row (the database refuses DELETE).
 */
@Injectable()
export class SuppressionRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Stores a suppression; null when the scope does not hold every tenant it names. */
  async create(
    tx: Transaction,
    scope: TenantScope,
    input: NewSuppression,
  ): Promise<StoredSuppression | null> {
    const { rows } = await clientOf(tx).query<StoredSuppression>(
      `INSERT INTO anomaly_suppressions (tenant, target_tenant, rule, principal_id, principal_issuer, issuer,
                                         target_service, reason, expires_at, created_by)
       SELECT $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text, $10::timestamptz,
              $11::text
       WHERE ($1::text[] IS NULL
              OR ($2::text = ANY($1::text[]) AND ($3::text IS NULL OR $3::text = ANY($1::text[]))))
       RETURNING ${COLUMNS}`,
      [
        scopeParam(scope),
        input.tenant,
        input.targetTenant,
        input.rule,
        input.principalId,
        input.principalIssuer,
        input.issuer,
        input.targetService,
        input.reason,
        input.expiresAt,
        input.createdBy,
      ],
    );
    return rows[0] ?? null;
  }

  /**
   * Revokes a suppression the scope sees (the first revocation is the one kept); null when
   * the scope does not see it. Anomalies it already silenced stay silenced.
   */
  async revoke(scope: TenantScope, id: string, by: string): Promise<StoredSuppression | null> {
    const { rows } = await this.database.pool.query<StoredSuppression>(
      `UPDATE anomaly_suppressions SET revoked_at = coalesce(revoked_at, now()),
              revoked_by = coalesce(revoked_by, $3::text)
       WHERE ${VISIBLE} AND id = $2::bigint
       RETURNING ${COLUMNS}`,
      [scopeParam(scope), id, by],
    );
    return rows[0] ?? null;
  }

  /** The scope's suppressions, newest first. */
  async list(scope: TenantScope, query: SuppressionQuery): Promise<StoredSuppression[]> {
    const { rows } = await this.database.pool.query<StoredSuppression>(
      `SELECT ${COLUMNS} FROM anomaly_suppressions
       WHERE ${VISIBLE} AND ($2::bigint IS NULL OR id < $2::bigint)
         AND ($3::boolean OR (revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())))
       ORDER BY anomaly_suppressions.id DESC LIMIT $4`,
      [scopeParam(scope), query.beforeId ?? null, query.includeInactive, query.limit],
    );
    return rows;
  }

  /** Suppressions in force now for anomalies reported by `tenants` (for the ingestor). */
  async activeFor(tx: Transaction, tenants: readonly string[]): Promise<StoredSuppression[]> {
    if (tenants.length === 0) return [];
    const { rows } = await clientOf(tx).query<StoredSuppression>(
      `SELECT ${COLUMNS} FROM anomaly_suppressions
       WHERE tenant = ANY($1::text[]) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [[...new Set(tenants)]],
    );
    return rows;
  }

  /** Open, unsuppressed anomalies of the suppression's tenant pair and rule, locked. */
  async openCandidates(
    tx: Transaction,
    suppression: StoredSuppression,
  ): Promise<SuppressionCandidate[]> {
    const { rows } = await clientOf(tx).query<SuppressionCandidate>(
      `SELECT id::text, rule, tenant, target_tenant AS "targetTenant", details FROM anomalies
       WHERE tenant = $1::text AND coalesce(target_tenant, tenant) = coalesce($2::text, $1::text)
         AND ($3::text IS NULL OR rule = $3::text) AND verdict = 'OPEN' AND suppressed_by IS NULL
       ORDER BY anomalies.id FOR UPDATE`,
      [suppression.tenant, suppression.targetTenant, suppression.rule],
    );
    return rows;
  }

  /**
   * Silences anomalies already stored: each takes a new version, its history records the
   * suppression (and who applied it), and the change is published like any other.
   */
  async suppress(
    tx: Transaction,
    anomalyIds: readonly string[],
    suppression: StoredSuppression,
    actor: string,
  ): Promise<StoredAnomaly[]> {
    if (anomalyIds.length === 0) return [];
    const { rows } = await clientOf(tx).query<AnomalyRecord>(
      `WITH changed AS (
         UPDATE anomalies a SET suppressed_by = $2::bigint, version = a.version + 1, changed_at = now(),
                feed_seq = NULL
         WHERE a.id = ANY($1::bigint[]) AND a.suppressed_by IS NULL
         RETURNING ${anomalyColumns('a')}, 'SUPPRESSED'::text AS change, $3::text AS actor, NULL::text[] AS actor_tenants,
                   $4::text AS reason, $2::bigint AS suppression_id
       ), ${PUBLISH_CHANGED}`,
      [[...anomalyIds], suppression.id, actor, suppression.reason],
    );
    return rows.map(toAnomaly);
  }
}
