import type { HopView, RequestGraph, Severity } from '@app/graph';
import type { EventGraph } from '@app/persistence';
import type { Provenance } from '@app/provenance';

import type { LifecycleAuthorities } from '@app/contract';
import type { AnomalyDetails } from './anomaly-details';

export { SEVERITIES, type Severity } from '@app/graph';

/** Thresholds and allow-lists the rules read; see `defaultPolicy`. */
export interface AnomalyPolicy {
  /** Delegates allowed after the origin. */
  maxDelegationDepth: number;
  /** Longest lifetime a delegated token may be issued for. */
  maxDelegatedLifetimeMs: number;
  /** Tenant pairs `from>to` allowed to delegate across, e.g. `acme>acme-eu`. */
  federation: ReadonlySet<string>;
  /** Issuers trusted per tenant; a tenant absent here is not checked. */
  trustedIssuers: ReadonlyMap<string, ReadonlySet<string>>;
  /** Tenants trusted to report revocations and lifecycle changes for another tenant. */
  lifecycleAuthorities: LifecycleAuthorities;
  /** How long a hop may wait for its parent hop before it is an untracked hop. */
  untrackedHopGraceMs: number;
}

export const defaultPolicy = (): AnomalyPolicy => ({
  maxDelegationDepth: 6,
  maxDelegatedLifetimeMs: 24 * 3600 * 1000,
  federation: new Set(),
  trustedIssuers: new Map(),
  lifecycleAuthorities: {},
  untrackedHopGraceMs: 5 * 60 * 1000,
});

export interface RuleInput {
  graph: RequestGraph;
  provenance: Provenance;
  policy: AnomalyPolicy;
  /**
   * When the request is judged, on the clock that stamped its facts' arrival. Only a rule
   * about waiting (a parent hop's grace) reads it, and only to ask whether a wait is over.
   */
  now: Date;
}

/** One finding. `subject` makes it unique within the request (hop id, token key...). */
export interface Finding {
  subject: string;
  tenant: string;
  targetTenant: string | null;
  summary: string;
  /** Typed by the shared vocabulary; an absent value may be written as null. */
  details: { [K in keyof AnomalyDetails]?: AnomalyDetails[K] | null };
}

/** Who acted in a hop, and with what, as details name them (suppressions match on these). */
export const hopActors = (
  hop: HopView,
  token: { issuer: string | null } | undefined,
): Finding['details'] => ({
  principal: hop.actor.id,
  principalIssuer: hop.actor.issuer,
  issuer: token?.issuer ?? null,
  service: hop.target.service,
});

/**
 * Who is told of a finding about `hop` that rests on a lifecycle fact (a revocation, an
 * offboarding) about a token or principal of tenant `owner`, reported by `reportedBy`.
 * When the hop's own tenant reported that fact: the hop's tenant and its target tenant.
 * When another tenant did (the owner, or a tenant trusted for it): the owner alone, so a
 * verdict never tells one tenant another tenant's facts.
 */
export function recipientsOf(
  hop: HopView,
  fact: { owner: string; reportedBy: string } | null,
): Pick<Finding, 'tenant' | 'targetTenant'> {
  return fact === null || fact.reportedBy === hop.tenant
    ? { tenant: hop.tenant, targetTenant: hop.target.tenant }
    : { tenant: fact.owner, targetTenant: null };
}

/**
 * A rule looks at one request's stored facts (and the time it is judged at) and reports
 * findings. A finding is a function of those alone, never of the order facts arrived in:
 * judging again after every batch, in any arrival order, converges on the same anomalies,
 * and a finding later facts clear is withdrawn. Time only ever adds a finding (a wait that
 * ran out), so judging again at any later time gives the same verdict.
 */
export interface AnomalyRule {
  readonly rule: string;
  readonly severity: Severity;
  evaluate(input: RuleInput): Finding[];
}

/**
 * A rule that judges one event's own claims, from the rows it contributes alone (a
 * revocation or a lifecycle change carries no request to evaluate). `subject` makes a
 * finding unique within the event.
 */
export interface EventRule {
  readonly rule: string;
  readonly severity: Severity;
  evaluate(event: EventGraph, policy: AnomalyPolicy): Finding[];
}
