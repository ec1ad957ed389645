import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service';
import type { PrincipalView } from './request-graph';
import { scopeParam, type TenantScope } from './tenant-scope';

export interface ActionQuery {
  principalRef: string;
  role: 'actor' | 'on_behalf_of' | 'either';
  since?: Date;
  until?: Date;
  /** Keyset cursor: actions strictly after (occurredAt, hop row id). */
  after?: { occurredAt: Date; id: string };
  limit: number;
}

export interface ActionRow {
  id: string;
  requestId: string;
  hopId: string;
  occurredAt: Date;
}

@Injectable()
export class PrincipalRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * A principal by identity, if the scope may see it: it belongs to one of the scope's
   * tenants, or appears in a hop the scope may see.
   */
  async find(
    scope: TenantScope,
    key: { tenant: string; issuer: string; subject: string },
  ): Promise<PrincipalView | null> {
    const { rows } = await this.database.pool.query<PrincipalView>(
      `SELECT p.id::text AS ref, p.subject AS id, p.issuer, p.tenant, p.kind, p.display_name AS "displayName"
       FROM principals p
       WHERE p.tenant = $2 AND p.issuer = $3 AND p.subject = $4
         AND ($1::text[] IS NULL OR p.tenant = ANY($1::text[]) OR EXISTS (
               SELECT 1 FROM hops h WHERE (h.actor_id = p.id OR h.on_behalf_of_id = p.id)
                 AND (h.tenant = ANY($1::text[]) OR h.target_tenant = ANY($1::text[]))))`,
      [scopeParam(scope), key.tenant, key.issuer, key.subject],
    );
    return rows[0] ?? null;
  }

  /** Hops a principal performed or that were performed on its behalf, visible to the scope. */
  async actions(scope: TenantScope, query: ActionQuery): Promise<ActionRow[]> {
    const roleFilter =
      query.role === 'actor'
        ? 'h.actor_id = $2'
        : query.role === 'on_behalf_of'
          ? 'h.on_behalf_of_id = $2'
          : '(h.actor_id = $2 OR h.on_behalf_of_id = $2)';
    const { rows } = await this.database.pool.query<{
      id: string;
      request_id: string;
      hop_id: string;
      occurred_at: Date;
    }>(
      `SELECT h.id::text, h.request_id, h.hop_id, h.occurred_at FROM hops h
       WHERE ${roleFilter}
         AND ($1::text[] IS NULL OR h.tenant = ANY($1::text[]) OR h.target_tenant = ANY($1::text[]))
         AND ($3::timestamptz IS NULL OR h.occurred_at >= $3)
         AND ($4::timestamptz IS NULL OR h.occurred_at < $4)
         AND ($5::timestamptz IS NULL OR (h.occurred_at, h.id) > ($5, $6::bigint))
       ORDER BY h.occurred_at, h.id
       LIMIT $7`,
      [
        scopeParam(scope),
        query.principalRef,
        query.since ?? null,
        query.until ?? null,
        query.after?.occurredAt ?? null,
        query.after?.id ?? null,
        query.limit,
      ],
    );
    return rows.map((row) => ({
      id: row.id,
      requestId: row.request_id,
      hopId: row.hop_id,
      occurredAt: row.occurred_at,
    }));
  }
}
