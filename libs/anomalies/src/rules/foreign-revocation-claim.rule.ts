import { isLifecycleAuthority } from '@app/contract';
import type { EventRule, Finding } from '../anomaly-rule';

/**
 * A tenant's gateway reports the revocation of another tenant's token without being trusted
 * to (see LifecycleAuthorities). The revocation takes effect nowhere but in the reporter's
 * own record; this rule shows the claim to the tenant whose token it names.
 */
export const foreignRevocationClaimRule: EventRule = {
  rule: 'FOREIGN_REVOCATION_CLAIM',
  severity: 'MEDIUM',
  evaluate({ event, tokens }, policy) {
    const findings: Finding[] = [];
    for (const token of tokens) {
      if (token.revokedAt === null) continue;
      if (isLifecycleAuthority(policy.lifecycleAuthorities, token.tenant, token.reporter)) continue;
      findings.push({
        subject: token.key,
        tenant: token.reporter,
        targetTenant: token.tenant,
        summary: `tenant ${token.reporter} reported token ${token.key} of tenant ${token.tenant} revoked; only ${token.tenant} or a tenant it trusts can revoke it`,
        details: {
          reporter: token.reporter,
          claimedTenant: token.tenant,
          tokenKey: token.key,
          eventId: event.ceId,
        },
      });
    }
    return findings;
  },
};
