import type { LifecycleAuthorities } from '@app/contract';
import { Inject, Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service';
import { authoritiesParam, revocationInEffect } from './lifecycle-facts.sql';
import { LIFECYCLE_AUTHORITIES } from './persistence.tokens';
import type { TokenView, TenantScope } from '@app/graph';
import { scopeParam } from './scope-param';

/**
 * A token in a lineage tree: its stored view (without claims) and how it was obtained.
 * Keys here are plain token keys: a tree is one reporter's records (`reportedBy`).
 */
export interface TokenTreeRow extends Omit<TokenView, 'claims' | 'actorTokenKey' | 'revokedBy'> {
  depth: number;
  /** Who obtained it and for whom, when its exchange is known. */
  actor: string | null;
  subject: string | null;
  requestId: string | null;
}

/** Upper bound on a lineage tree: the blast radius of one leaked token, capped. */
export const MAX_TREE_NODES = 5000;

@Injectable()
export class TokenRepository {
  constructor(
    private readonly database: DatabaseService,
    @Inject(LIFECYCLE_AUTHORITIES) private readonly authorities: LifecycleAuthorities,
  ) {}

  /**
   * A token and every token derived from it, breadth first, in the records of the scope's
   * own tenants (each tenant's tree is its own: another tenant's exchanges of the same token
   * are its private record). Several of the scope's tenants may each hold a tree. A token's
   * revocation in effect is shown as far as one of the scope's tenants reported it.
   */
  async descendants(scope: TenantScope, rootKey: string): Promise<TokenTreeRow[]> {
    const { rows } = await this.database.pool.query<TokenTreeRow>(
      `WITH RECURSIVE tree AS (
         SELECT t.reporter, t.key, t.parent_key, 0 AS depth FROM tokens t
         WHERE t.key = $2 AND ($1::text[] IS NULL OR t.reporter = ANY($1::text[]))
         UNION
         SELECT c.reporter, c.key, c.parent_key, tree.depth + 1 FROM tokens c
         JOIN tree ON c.reporter = tree.reporter AND c.parent_key = tree.key
         WHERE tree.depth < 64)
       SELECT t.key, t.reporter AS "reportedBy", tree.parent_key AS "parentKey", tree.depth, t.tenant, t.issuer, t.jti,
              t.fingerprint, t.audience, t.scopes, t.issued_at AS "issuedAt", t.expires_at AS "expiresAt",
              r.revoked_at AS "revokedAt", a.subject AS actor, s.subject AS subject, x.request_id AS "requestId"
       FROM (SELECT DISTINCT ON (reporter, key) * FROM tree ORDER BY reporter, key, depth) tree
       JOIN tokens t ON t.reporter = tree.reporter AND t.key = tree.key
       LEFT JOIN LATERAL (
         SELECT x.* FROM token_exchanges x
         JOIN principals xa ON xa.id = x.actor_id JOIN principals xs ON xs.id = x.subject_id
         WHERE x.tenant = t.reporter AND x.issued_token_key = t.key
         -- The first issuing exchange, as the reconstruction picks it (firstIssuing).
         ORDER BY x.occurred_at, x.subject_token_key COLLATE "C", xa.tenant COLLATE "C",
                  xa.issuer COLLATE "C", xa.subject COLLATE "C", xs.tenant COLLATE "C",
                  xs.issuer COLLATE "C", xs.subject COLLATE "C"
         LIMIT 1) x ON true
       LEFT JOIN principals a ON a.id = x.actor_id
       LEFT JOIN principals s ON s.id = x.subject_id
       ${revocationInEffect({ token: 't', authorities: '$3', as: 'r', reportedWithin: '$1' })}
       ORDER BY tree.depth, t.reporter, t.key
       LIMIT ${MAX_TREE_NODES}`,
      [scopeParam(scope), rootKey, authoritiesParam(this.authorities)],
    );
    return rows;
  }
}
