import { keyOfRecord } from '@app/graph';
import type { AnomalyRule, Finding } from '../anomaly-rule';
import { isExpectedAcross } from './federation';

/**
 * A tenant's gateway reports an exchange issuing a token that belongs to another tenant,
 * outside the federation allow-list: a claim about how someone else's token came to be.
 * The claim stays in the reporter's record (the owner's lineage is untouched); this rule
 * makes it visible to the reporter and to the tenant whose token it names.
 */
export const foreignTokenClaimRule: AnomalyRule = {
  rule: 'FOREIGN_TOKEN_CLAIM',
  severity: 'HIGH',
  evaluate({ graph, policy }) {
    const findings: Finding[] = [];
    for (const exchange of graph.exchanges) {
      const issued = graph.tokens.get(exchange.issuedTokenKey);
      if (!issued || isExpectedAcross(policy, exchange.tenant, issued.tenant)) continue;
      findings.push({
        subject: keyOfRecord(issued.key),
        tenant: exchange.tenant,
        targetTenant: issued.tenant,
        summary: `tenant ${exchange.tenant} reported issuing a token of tenant ${issued.tenant} to ${exchange.actor.id}`,
        details: {
          reporter: exchange.tenant,
          claimedTenant: issued.tenant,
          tokenKey: keyOfRecord(issued.key),
          eventId: exchange.eventId,
          principal: exchange.actor.id,
          principalIssuer: exchange.actor.issuer,
          issuer: issued.issuer,
        },
      });
    }
    return findings;
  },
};
