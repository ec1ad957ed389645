import type { Provenance, RequestGraph } from '@app/provenance';

import type { Severity } from '@app/contract';

export { SEVERITIES, type Severity } from '@app/contract';

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
}

export const defaultPolicy = (): AnomalyPolicy => ({
  maxDelegationDepth: 6,
  maxDelegatedLifetimeMs: 24 * 3600 * 1000,
  federation: new Set(),
  trustedIssuers: new Map(),
});

export interface RuleInput {
  graph: RequestGraph;
  provenance: Provenance;
  policy: AnomalyPolicy;
}

/** One finding. `subject` makes it unique within the request (hop id, token key...). */
export interface Finding {
  subject: string;
  tenant: string;
  targetTenant: string | null;
  summary: string;
  details: Record<string, unknown>;
}

/**
 * A rule looks at one request's stored facts and reports findings. Rules must be monotone:
 * a finding, once true, stays true as more events arrive, so evaluating again after every
 * batch, in any arrival order, converges on the same anomalies.
 */
export interface AnomalyRule {
  readonly rule: string;
  readonly severity: Severity;
  evaluate(input: RuleInput): Finding[];
}
