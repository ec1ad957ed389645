// Contender 2: the hand-written SQL reference, one statement per request through pg on the
// same database, returning the same facts as JSON, filtered by the same tenant rule; the
// chain is derived from it here.
import type { Client } from 'pg';

export const REFERENCE_SQL = `
WITH h AS (
  SELECT h.hop_id, h.parent_hop_id, h.token_key, h.decision, h.reason, h.occurred_at,
         h.tool_name, h.tool_server, h.target_service, h.target_tenant, h.target_resource, h.target_action,
         a.subject AS a_id, a.issuer AS a_issuer, a.tenant AS a_tenant, a.kind AS a_kind,
         o.subject AS o_id, o.issuer AS o_issuer, o.tenant AS o_tenant, o.kind AS o_kind
  FROM hops h
  JOIN principals a ON a.id = h.actor_id
  LEFT JOIN principals o ON o.id = h.on_behalf_of_id
  WHERE h.request_id = $1 AND (h.tenant = ANY($2::text[]) OR h.target_tenant = ANY($2::text[]))
), x AS (
  SELECT x.subject_token_key, x.actor_token_key, x.issued_token_key, x.grant_type, x.occurred_at,
         s.subject AS s_id, s.issuer AS s_issuer, s.tenant AS s_tenant, s.kind AS s_kind,
         a.subject AS a_id, a.issuer AS a_issuer, a.tenant AS a_tenant, a.kind AS a_kind
  FROM token_exchanges x
  JOIN principals s ON s.id = x.subject_id
  JOIN principals a ON a.id = x.actor_id
  WHERE x.request_id = $1 AND x.tenant = ANY($2::text[])
), lineage AS (
  WITH RECURSIVE up(key) AS (
    SELECT token_key FROM h WHERE token_key IS NOT NULL
    UNION SELECT subject_token_key FROM x
    UNION SELECT issued_token_key FROM x
    UNION SELECT actor_token_key FROM x WHERE actor_token_key IS NOT NULL
    UNION
    SELECT t.parent_key FROM tokens t JOIN up ON t.key = up.key WHERE t.parent_key IS NOT NULL
  )
  SELECT t.* FROM tokens t WHERE t.key IN (SELECT key FROM up)
)
SELECT
  (SELECT json_agg(json_build_object(
     'hopId', hop_id, 'parentHopId', parent_hop_id, 'tokenKey', token_key, 'decision', decision, 'reason', reason,
     'occurredAt', occurred_at, 'tool', tool_name, 'toolServer', tool_server,
     'target', json_build_object('service', target_service, 'tenant', target_tenant, 'resource', target_resource,
                                 'action', target_action),
     'actor', json_build_object('id', a_id, 'issuer', a_issuer, 'tenant', a_tenant, 'kind', a_kind),
     'onBehalfOf', CASE WHEN o_id IS NOT NULL THEN
                     json_build_object('id', o_id, 'issuer', o_issuer, 'tenant', o_tenant, 'kind', o_kind) END)
     ORDER BY occurred_at, hop_id) FROM h) AS hops,
  (SELECT json_agg(json_build_object(
     'subjectTokenKey', subject_token_key, 'actorTokenKey', actor_token_key, 'issuedTokenKey', issued_token_key,
     'grantType', grant_type, 'occurredAt', occurred_at,
     'subject', json_build_object('id', s_id, 'issuer', s_issuer, 'tenant', s_tenant, 'kind', s_kind),
     'actor', json_build_object('id', a_id, 'issuer', a_issuer, 'tenant', a_tenant, 'kind', a_kind))
     ORDER BY occurred_at, issued_token_key) FROM x) AS exchanges,
  (SELECT json_agg(json_build_object(
     'key', t.key, 'jti', t.jti, 'issuer', t.issuer, 'tenant', t.tenant, 'audience', t.audience, 'scopes', t.scopes,
     'issuedAt', t.issued_at, 'expiresAt', t.expires_at, 'revokedAt', t.revoked_at, 'claims', t.claims,
     'parentKey', t.parent_key, 'parentJti', p.jti)
     ORDER BY t.issued_at NULLS FIRST, t.key) FROM lineage t LEFT JOIN lineage p ON p.key = t.parent_key) AS tokens,
  (SELECT json_agg(json_build_object('id', id::text, 'rule', rule, 'severity', severity, 'summary', summary,
                                     'detectedAt', detected_at) ORDER BY id)
   FROM anomalies
   WHERE request_id = $1 AND (tenant = ANY($2::text[]) OR target_tenant = ANY($2::text[]))) AS anomalies`;

interface PrincipalJson {
  id: string;
  issuer: string;
  tenant: string;
  kind: string;
}

export interface ReferenceAnswer {
  origin: PrincipalJson | null;
  chain: PrincipalJson[];
  hops: Array<{ hopId: string; onBehalfOf: PrincipalJson | null }>;
  tokens: unknown[];
  anomalies: unknown[];
}

interface ReferenceRow {
  hops: ReferenceAnswer['hops'] | null;
  exchanges: Array<{ subject: PrincipalJson; actor: PrincipalJson }> | null;
  tokens: unknown[] | null;
  anomalies: unknown[] | null;
}

export async function referenceAnswer(
  client: Client,
  requestId: string,
  tenants: string[],
): Promise<ReferenceAnswer | null> {
  const { rows } = await client.query<ReferenceRow>(REFERENCE_SQL, [requestId, tenants]);
  const { hops, exchanges, tokens, anomalies } = rows[0];
  if (!hops && !exchanges && !anomalies) return null;
  // The chain: the first exchange's subject, then each delegate in order.
  const chain: PrincipalJson[] = [];
  for (const x of exchanges ?? []) {
    if (chain.length === 0) chain.push(x.subject);
    if (chain[chain.length - 1].id !== x.actor.id) chain.push(x.actor);
  }
  return {
    origin: chain[0] ?? hops?.[0]?.onBehalfOf ?? null,
    chain,
    hops: hops ?? [],
    tokens: tokens ?? [],
    anomalies: anomalies ?? [],
  };
}
