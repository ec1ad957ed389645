import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service';
import type { PrincipalView, TenantScope } from '@app/graph';
import { scopeParam } from './scope-param';

export interface PrincipalIdentity {
  tenant: string;
  issuer: string;
  subject: string;
}

export interface ActionQuery {
  /** Whose actions: every tenant's record of this identity, as far as the scope sees hops. */
  principal: PrincipalIdentity;
  role: 'actor' | 'on_behalf_of' | 'either';
  since?: Date;
  until?: Date;
  /** Keyset cursor: actions strictly after (occurredAt, hop row id). */
  after?: { occurredAt: Date; id: string };
  limit: number;
}

export interface PrincipalSearchQuery {
  /** A LIKE pattern (escaped by the caller, matched with `ESCAPE '\'`) on the id or display name. */
  pattern: string;
  tenant?: string;
  issuer?: string;
  /** Keyset cursor: identities strictly after this one, in (id, tenant, issuer) byte order. */
  after?: { id: string; tenant: string; issuer: string };
  limit: number;
}

/**
 * Whether the scope ($1) may see principal record `p`: one its own tenants reported, or
 * another tenant's record named in a hop that targets one of its tenants.
 */
const VISIBLE_RECORD = (p: string) =>
  `($1::text[] IS NULL OR ${p}.reporter = ANY($1::text[]) OR EXISTS (
     SELECT 1 FROM hops h WHERE (h.actor_id = ${p}.id OR h.on_behalf_of_id = ${p}.id)
       AND h.target_tenant = ANY($1::text[])))`;

/** Among an identity's visible records: the owner's own first, then the scope's own. */
const PREFERRED_RECORD = (p: string) =>
  `${p}.reporter = ${p}.tenant DESC, ${p}.reporter = ANY(COALESCE($1::text[], '{}')) DESC, ${p}.id`;

const PRINCIPAL_COLUMNS = (p: string) =>
  `${p}.id::text AS ref, ${p}.subject AS id, ${p}.issuer, ${p}.tenant, ${p}.kind, ${p}.display_name AS "displayName",
   ${p}.reporter AS "reportedBy"`;

export interface ActionRow {
  id: string;
  /** The hop's owning tenant. */
  tenant: string;
  requestId: string;
  hopId: string;
  occurredAt: Date;
}

@Injectable()
export class PrincipalRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * A principal by identity, as a record the scope may see: one its own tenants reported,
   * or another tenant's record named in a hop that targets one of its tenants. The owner's
   * own record comes first, then the scope's own; another tenant's claim never stands in
   * for a record the scope may not see.
   */
  async find(scope: TenantScope, key: PrincipalIdentity): Promise<PrincipalView | null> {
    const { rows } = await this.database.pool.query<PrincipalView>(
      `SELECT ${PRINCIPAL_COLUMNS('p')}
       FROM principals p
       WHERE p.tenant = $2 AND p.issuer = $3 AND p.subject = $4 AND ${VISIBLE_RECORD('p')}
       ORDER BY ${PREFERRED_RECORD('p')}
       LIMIT 1`,
      [scopeParam(scope), key.tenant, key.issuer, key.subject],
    );
    return rows[0] ?? null;
  }

  /**
   * Identities whose id or display name matches, each once, as `find` would answer it (the
   * same visibility, the same preferred record), in (id, tenant, issuer) byte order. The
   * trigram indexes find the matching records; only those are sorted.
   */
  async search(scope: TenantScope, query: PrincipalSearchQuery): Promise<PrincipalView[]> {
    const { rows } = await this.database.pool.query<PrincipalView>(
      `SELECT ${PRINCIPAL_COLUMNS('p')} FROM (
         SELECT DISTINCT ON (p.subject COLLATE "C", p.tenant COLLATE "C", p.issuer COLLATE "C") p.*
         FROM principals p
         WHERE (p.subject ILIKE $2 ESCAPE '\\' OR p.display_name ILIKE $2 ESCAPE '\\')
           AND ($3::text IS NULL OR p.tenant = $3) AND ($4::text IS NULL OR p.issuer = $4)
           AND ($5::text IS NULL
                OR (p.subject COLLATE "C", p.tenant COLLATE "C", p.issuer COLLATE "C") > ($5::text, $6::text, $7::text))
           AND ${VISIBLE_RECORD('p')}
         ORDER BY p.subject COLLATE "C", p.tenant COLLATE "C", p.issuer COLLATE "C", ${PREFERRED_RECORD('p')}
         LIMIT $8) p
       ORDER BY p.subject COLLATE "C", p.tenant COLLATE "C", p.issuer COLLATE "C"`,
      [
        scopeParam(scope),
        query.pattern,
        query.tenant ?? null,
        query.issuer ?? null,
        query.after?.id ?? null,
        query.after?.tenant ?? null,
        query.after?.issuer ?? null,
        query.limit,
      ],
    );
    return rows;
  }

  /** Hops a principal performed or that were performed on its behalf, visible to the scope. */
  async actions(scope: TenantScope, query: ActionQuery): Promise<ActionRow[]> {
    const roleFilter =
      query.role === 'actor'
        ? 'h.actor_id IN (SELECT id FROM who)'
        : query.role === 'on_behalf_of'
          ? 'h.on_behalf_of_id IN (SELECT id FROM who)'
          : '(h.actor_id IN (SELECT id FROM who) OR h.on_behalf_of_id IN (SELECT id FROM who))';
    const { rows } = await this.database.pool.query<{
      id: string;
      tenant: string;
      request_id: string;
      hop_id: string;
      occurred_at: Date;
    }>(
      `WITH who AS (SELECT id FROM principals WHERE tenant = $2 AND issuer = $8 AND subject = $9)
       SELECT h.id::text, h.tenant, h.request_id, h.hop_id, h.occurred_at FROM hops h
       WHERE ${roleFilter}
         AND ($1::text[] IS NULL OR h.tenant = ANY($1::text[]) OR h.target_tenant = ANY($1::text[]))
         AND ($3::timestamptz IS NULL OR h.occurred_at >= $3)
         AND ($4::timestamptz IS NULL OR h.occurred_at < $4)
         AND ($5::timestamptz IS NULL OR (h.occurred_at, h.id) > ($5, $6::bigint))
       ORDER BY h.occurred_at, h.id
       LIMIT $7`,
      [
        scopeParam(scope),
        query.principal.tenant,
        query.since ?? null,
        query.until ?? null,
        query.after?.occurredAt ?? null,
        query.after?.id ?? null,
        query.limit,
        query.principal.issuer,
        query.principal.subject,
      ],
    );
    return rows.map((row) => ({
      id: row.id,
      tenant: row.tenant,
      requestId: row.request_id,
      hopId: row.hop_id,
      occurredAt: row.occurred_at,
    }));
  }
}
