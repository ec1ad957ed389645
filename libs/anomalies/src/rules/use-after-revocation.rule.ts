import { keyOfRecord } from '@app/graph';
import { tokenAncestry } from '@app/provenance';
import { hopActors, recipientsOf, type AnomalyRule, type Finding } from '../anomaly-rule';

/** A token used after it, or a token it derives from, was revoked or expired. */
export const useAfterRevocationRule: AnomalyRule = {
  rule: 'USE_AFTER_REVOCATION',
  severity: 'HIGH',
  evaluate({ graph }) {
    const findings: Finding[] = [];
    for (const hop of graph.hops) {
      if (!hop.tokenKey) continue;
      for (const token of tokenAncestry(graph.tokens, hop.tokenKey)) {
        const revoked = token.revokedAt && hop.occurredAt > token.revokedAt;
        const expired = token.expiresAt && hop.occurredAt > token.expiresAt;
        if (!revoked && !expired) continue;
        const how = revoked
          ? `revoked at ${token.revokedAt!.toISOString()}`
          : `expired at ${token.expiresAt!.toISOString()}`;
        const which =
          token.key === hop.tokenKey
            ? 'its token'
            : `an ancestor of its token (${keyOfRecord(token.key)})`;
        findings.push({
          subject: hop.hopId,
          ...recipientsOf(
            hop,
            revoked && token.revokedBy
              ? { owner: token.tenant, reportedBy: token.revokedBy }
              : null,
          ),
          summary: `hop ${hop.hopId} by ${hop.actor.id} used ${which}, ${how}`,
          details: {
            ...hopActors(hop, graph.tokens.get(hop.tokenKey)),
            hopId: hop.hopId,
            tokenKey: keyOfRecord(token.key),
            revoked: !!revoked,
            expired: !revoked && !!expired,
            revokedAt: revoked ? token.revokedAt!.toISOString() : null,
            expiresAt: token.expiresAt?.toISOString() ?? null,
          },
        });
        break;
      }
    }
    return findings;
  },
};
