import type { AnomalyRow, EventGraph } from '@app/persistence';
import type { RequestGraph } from '@app/graph';
import { reconstruct } from '@app/provenance';
import type { AnomalyPolicy, AnomalyRule, EventRule } from './anomaly-rule';
import { audienceMismatchRule } from './rules/audience-mismatch.rule';
import { crossTenantDelegationRule } from './rules/cross-tenant-delegation.rule';
import { delegationDepthRule } from './rules/delegation-depth.rule';
import { excessiveLifetimeRule } from './rules/excessive-lifetime.rule';
import { foreignLifecycleClaimRule } from './rules/foreign-lifecycle-claim.rule';
import { foreignPrincipalClaimRule } from './rules/foreign-principal-claim.rule';
import { foreignRevocationClaimRule } from './rules/foreign-revocation-claim.rule';
import { foreignTokenClaimRule } from './rules/foreign-token-claim.rule';
import { impersonationWithoutMayActRule } from './rules/impersonation-without-may-act.rule';
import { orphanedDelegationRule } from './rules/orphaned-delegation.rule';
import { scopeEscalationRule } from './rules/scope-escalation.rule';
import { sharedTokenRule } from './rules/shared-token.rule';
import { untrackedHopRule } from './rules/untracked-hop.rule';
import { untrustedIssuerRule } from './rules/untrusted-issuer.rule';
import { useAfterRevocationRule } from './rules/use-after-revocation.rule';

/** Every rule evaluated on stored facts (RAW_CREDENTIAL_IN_EVENT is raised at decoding). */
export const ANOMALY_RULES: readonly AnomalyRule[] = [
  crossTenantDelegationRule,
  untrustedIssuerRule,
  audienceMismatchRule,
  scopeEscalationRule,
  excessiveLifetimeRule,
  useAfterRevocationRule,
  orphanedDelegationRule,
  untrackedHopRule,
  delegationDepthRule,
  sharedTokenRule,
  impersonationWithoutMayActRule,
  foreignPrincipalClaimRule,
  foreignTokenClaimRule,
];

/** Rules on one event's own claims, judged as it is decoded. */
export const EVENT_RULES: readonly EventRule[] = [
  foreignRevocationClaimRule,
  foreignLifecycleClaimRule,
];

/** Rules raised while an event is decoded, before any rule here sees it. */
export const DECODING_RULE_NAMES = ['RAW_CREDENTIAL_IN_EVENT'] as const;

/** Every rule name an anomaly may carry (what a suppression may name). */
export const RULE_NAMES: readonly string[] = [
  ...ANOMALY_RULES.map((rule) => rule.rule),
  ...EVENT_RULES.map((rule) => rule.rule),
  ...DECODING_RULE_NAMES,
];

/** The anomalies one event's own claims raise (deduplicated by event and subject). */
export function evaluateEventClaims(
  graph: EventGraph,
  policy: AnomalyPolicy,
  rules: readonly EventRule[] = EVENT_RULES,
): AnomalyRow[] {
  return rules.flatMap((rule) =>
    rule.evaluate(graph, policy).map((finding) => ({
      rule: rule.rule,
      severity: rule.severity,
      requestId: graph.event.requestId,
      tenant: finding.tenant,
      targetTenant: finding.targetTenant,
      dedupeKey: `${rule.rule}|${graph.event.source}|${graph.event.ceId}|${finding.subject}`,
      summary: finding.summary,
      details: finding.details,
    })),
  );
}

/**
 * Each reporting tenant's own account of a request: its hops, its exchanges and its records
 * of the tokens they name. Rules judge each account on its own, so a verdict (and the facts
 * its summary quotes) never mixes what one tenant reported with what another did.
 */
export function accountsByReporter(graph: RequestGraph): RequestGraph[] {
  const accounts = new Map<string, RequestGraph>();
  const accountOf = (reporter: string): RequestGraph => {
    let account = accounts.get(reporter);
    if (!account) {
      account = {
        requestId: graph.requestId,
        hops: [],
        exchanges: [],
        tokens: new Map(),
        changes: graph.changes,
        presenters: graph.presenters,
      };
      accounts.set(reporter, account);
    }
    return account;
  };
  for (const hop of graph.hops) accountOf(hop.tenant).hops.push(hop);
  for (const exchange of graph.exchanges) accountOf(exchange.tenant).exchanges.push(exchange);
  for (const token of graph.tokens.values())
    accounts.get(token.reportedBy)?.tokens.set(token.key, token);
  return [...accounts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
}

/**
 * All anomalies one request's facts show at `now`, judged per reporting tenant; the dedupe
 * key (rule, request, reporter, subject) makes re-evaluation harmless.
 */
export function evaluateAnomalies(
  graph: RequestGraph,
  policy: AnomalyPolicy,
  now: Date,
  rules: readonly AnomalyRule[] = ANOMALY_RULES,
): AnomalyRow[] {
  return accountsByReporter(graph).flatMap((account) => {
    const reporter = account.hops[0]?.tenant ?? account.exchanges[0]?.tenant;
    const provenance = reconstruct(account);
    return rules.flatMap((rule) =>
      rule.evaluate({ graph: account, provenance, policy, now }).map((finding) => ({
        rule: rule.rule,
        severity: rule.severity,
        requestId: graph.requestId,
        tenant: finding.tenant,
        targetTenant: finding.targetTenant,
        dedupeKey: `${rule.rule}|${graph.requestId}|${reporter}|${finding.subject}`,
        summary: finding.summary,
        details: finding.details,
      })),
    );
  });
}
