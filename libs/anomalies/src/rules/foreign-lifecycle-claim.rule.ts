import { isLifecycleAuthority } from '@app/contract';
import type { EventRule, Finding } from '../anomaly-rule';

/**
 * A tenant's gateway reports a lifecycle change (offboarded, disabled...) of another
 * tenant's principal without being trusted to. The change takes effect for nobody; this
 * rule shows the claim to the tenant whose principal it names.
 */
export const foreignLifecycleClaimRule: EventRule = {
  rule: 'FOREIGN_LIFECYCLE_CLAIM',
  severity: 'MEDIUM',
  evaluate({ event, changes }, policy) {
    const findings: Finding[] = [];
    for (const { principal, change } of changes) {
      if (isLifecycleAuthority(policy.lifecycleAuthorities, principal.tenant, principal.reporter))
        continue;
      findings.push({
        subject: `${principal.tenant}|${principal.issuer}|${principal.subject}`,
        tenant: principal.reporter,
        targetTenant: principal.tenant,
        summary: `tenant ${principal.reporter} reported ${principal.subject} of tenant ${principal.tenant} as ${change}; only ${principal.tenant} or a tenant it trusts can`,
        details: {
          reporter: principal.reporter,
          claimedTenant: principal.tenant,
          principal: principal.subject,
          change,
          eventId: event.ceId,
        },
      });
    }
    return findings;
  },
};
