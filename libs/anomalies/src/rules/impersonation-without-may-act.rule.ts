import { keyOfRecord } from '@app/graph';
import type { AnomalyRule, Finding } from '../anomaly-rule';

/** An actor obtained a token for a subject whose token's `may_act` does not name it. */
export const impersonationWithoutMayActRule: AnomalyRule = {
  rule: 'IMPERSONATION_WITHOUT_MAY_ACT',
  severity: 'HIGH',
  evaluate({ graph }) {
    const findings: Finding[] = [];
    for (const exchange of graph.exchanges) {
      const mayAct = graph.tokens.get(exchange.subjectTokenKey)?.claims?.may_act;
      if (typeof mayAct !== 'object' || mayAct === null) continue;
      const allowed = (mayAct as { sub?: unknown }).sub;
      if (allowed === exchange.actor.id) continue;
      findings.push({
        // The token's key, not its record key (which carries a separator text cannot hold).
        subject: keyOfRecord(exchange.issuedTokenKey),
        tenant: exchange.tenant,
        targetTenant: null,
        summary: `${exchange.actor.id} acts for ${exchange.subject.id}, whose token allows only ${String(allowed)} to act`,
        details: {
          principal: exchange.actor.id,
          principalIssuer: exchange.actor.issuer,
          actor: exchange.actor.id,
          subject: exchange.subject.id,
          mayAct: typeof allowed === 'string' ? allowed : null,
          tokenKey: keyOfRecord(exchange.issuedTokenKey),
        },
      });
    }
    return findings;
  },
};
