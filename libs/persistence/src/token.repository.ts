import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service';
import type { TokenView } from './request-graph';
import { scopeParam, type TenantScope } from './tenant-scope';

/** A token in a lineage tree: its stored view (without claims) and how it was obtained. */
export interface TokenTreeRow extends Omit<TokenView, 'claims' | 'actorTokenKey'> {
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
  constructor(private readonly database: DatabaseService) {}

  /**
   * A token and every token derived from it, breadth first; tokens of tenants outside the
   * scope are cut off with their subtrees.
   */
  async descendants(scope: TenantScope, rootKey: string): Promise<TokenTreeRow[]> {
    const { rows } = await this.database.pool.query<TokenTreeRow>(
      `WITH RECURSIVE tree AS (
         SELECT t.key, t.parent_key, 0 AS depth FROM tokens t
         WHERE t.key = $2 AND ($1::text[] IS NULL OR t.tenant = ANY($1::text[]))
         UNION
         SELECT c.key, c.parent_key, tree.depth + 1 FROM tokens c JOIN tree ON c.parent_key = tree.key
         WHERE tree.depth < 64 AND ($1::text[] IS NULL OR c.tenant = ANY($1::text[])))
       SELECT t.key, tree.parent_key AS "parentKey", tree.depth, t.tenant, t.issuer, t.jti, t.fingerprint, t.audience, t.scopes,
              t.issued_at AS "issuedAt", t.expires_at AS "expiresAt", t.revoked_at AS "revokedAt",
              a.subject AS actor, s.subject AS subject, x.request_id AS "requestId"
       FROM (SELECT DISTINCT ON (key) * FROM tree ORDER BY key, depth) tree
       JOIN tokens t ON t.key = tree.key
       LEFT JOIN LATERAL (SELECT * FROM token_exchanges x WHERE x.issued_token_key = t.key ORDER BY x.occurred_at LIMIT 1) x ON true
       LEFT JOIN principals a ON a.id = x.actor_id
       LEFT JOIN principals s ON s.id = x.subject_id
       ORDER BY tree.depth, t.key
       LIMIT ${MAX_TREE_NODES}`,
      [scopeParam(scope), rootKey],
    );
    return rows;
  }
}
