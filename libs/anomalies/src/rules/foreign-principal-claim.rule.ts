import type { PrincipalView } from '@app/graph';
import type { AnomalyRule, Finding } from '../anomaly-rule';
import { isExpectedAcross } from './federation';

/**
 * A tenant's gateway reports another tenant's principal as acting, as acted for, or as the
 * subject of an exchange, outside the federation allow-list: a claim about someone else's
 * identity. It never changes that tenant's record; this rule makes the claim visible to the
 * tenant it names (as the target tenant) and to the reporter.
 */
export const foreignPrincipalClaimRule: AnomalyRule = {
  rule: 'FOREIGN_PRINCIPAL_CLAIM',
  severity: 'HIGH',
  evaluate({ graph, policy }) {
    const findings: Finding[] = [];
    const claim = (
      subject: string,
      reporter: string,
      role: string,
      principal: PrincipalView,
      where: string,
    ) => {
      if (isExpectedAcross(policy, reporter, principal.tenant)) return;
      findings.push({
        subject,
        tenant: reporter,
        targetTenant: principal.tenant,
        summary: `tenant ${reporter} reported ${principal.id} of tenant ${principal.tenant} as ${role} of ${where}`,
        details: {
          reporter,
          claimedTenant: principal.tenant,
          principal: principal.id,
          principalIssuer: principal.issuer,
          role,
        },
      });
    };
    for (const hop of graph.hops) {
      // An actor of another tenant than the target's is CROSS_TENANT_DELEGATION's finding.
      if (hop.actor.tenant === (hop.target.tenant ?? hop.tenant))
        claim(`${hop.hopId}|actor`, hop.tenant, 'the actor', hop.actor, `hop ${hop.hopId}`);
      if (hop.onBehalfOf)
        claim(
          `${hop.hopId}|obo`,
          hop.tenant,
          'on whose behalf',
          hop.onBehalfOf,
          `hop ${hop.hopId}`,
        );
    }
    for (const x of graph.exchanges) {
      const where = `an exchange at ${x.occurredAt.toISOString()}`;
      claim(`x${x.eventId}|subject`, x.tenant, 'the subject', x.subject, where);
      claim(`x${x.eventId}|actor`, x.tenant, 'the actor', x.actor, where);
    }
    return findings;
  },
};
