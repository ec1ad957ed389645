import type { RequestGraph } from '@app/graph';
import type { AnomalyPolicy, AnomalyRule } from './anomaly-rule';
import { ANOMALY_RULES, evaluateAnomalies } from './evaluate-anomalies';

// A policy dry run: what the request rules would find on stored requests under a proposed
// policy, against the anomalies open now. Pure: the caller reads the requests and the open
// anomalies, page by page, and feeds them to a tally.

/** An anomaly open now, as the dry run compares it (its dedupe key is its identity). */
export interface OpenAnomaly {
  dedupeKey: string;
  rule: string;
  requestId: string;
  summary: string;
}

/** FIRE: raised under the proposal, not open now; WITHDRAW: open now, not raised under it. */
export const DRY_RUN_CHANGES = ['FIRE', 'WITHDRAW'] as const;
export type DryRunChange = (typeof DRY_RUN_CHANGES)[number];

export interface DryRunSample {
  change: DryRunChange;
  rule: string;
  requestId: string;
  summary: string;
}

export interface DryRunRuleCount {
  rule: string;
  wouldFire: number;
  wouldWithdraw: number;
}

/** The rule names a dry run re-evaluates (event rules do not depend on this policy). */
export const DRY_RUN_RULES: readonly string[] = ANOMALY_RULES.map((rule) => rule.rule);

/** The request rules named by `names` (all of them when absent); unknown names throw. */
export function enabledRules(names: readonly string[] | undefined): readonly AnomalyRule[] {
  if (names === undefined) return ANOMALY_RULES;
  const unknown = names.filter((name) => !DRY_RUN_RULES.includes(name));
  if (unknown.length > 0) throw new RangeError(`unknown rules: ${unknown.join(', ')}`);
  return ANOMALY_RULES.filter((rule) => names.includes(rule.rule));
}

/**
 * Counts, per rule, what would newly fire and what would be withdrawn, and keeps the first
 * `sampleSize` of each change. Only findings `visible` to the caller count, as only the
 * caller's open anomalies are compared.
 */
export class DryRunTally {
  private readonly counts = new Map<string, DryRunRuleCount>();
  private readonly samples: DryRunSample[] = [];
  private readonly taken = { FIRE: 0, WITHDRAW: 0 };
  requests = 0;

  constructor(
    private readonly policy: AnomalyPolicy,
    private readonly rules: readonly AnomalyRule[],
    private readonly visible: (tenant: string, targetTenant: string | null) => boolean,
    private readonly sampleSize: number,
    /** The time the rules judge at (a hop's parent is overdue after the grace from then). */
    private readonly now: Date = new Date(),
  ) {}

  /** One page: the requests' full graphs and the caller's open anomalies on them. */
  add(graphs: Iterable<RequestGraph>, open: readonly OpenAnomaly[]): void {
    const proposed = new Map<string, OpenAnomaly>();
    for (const graph of graphs) {
      this.requests += 1;
      for (const row of evaluateAnomalies(graph, this.policy, this.now, this.rules)) {
        if (!this.visible(row.tenant, row.targetTenant)) continue;
        proposed.set(row.dedupeKey, { ...row, requestId: graph.requestId });
      }
    }
    const current = new Set(open.map((anomaly) => anomaly.dedupeKey));
    for (const anomaly of proposed.values())
      if (!current.has(anomaly.dedupeKey)) this.count('FIRE', anomaly);
    for (const anomaly of open)
      if (!proposed.has(anomaly.dedupeKey)) this.count('WITHDRAW', anomaly);
  }

  report(): { rules: DryRunRuleCount[]; samples: DryRunSample[] } {
    return {
      rules: [...this.counts.values()].sort((a, b) => (a.rule < b.rule ? -1 : 1)),
      samples: [...this.samples],
    };
  }

  private count(change: DryRunChange, anomaly: OpenAnomaly): void {
    const count = this.counts.get(anomaly.rule) ?? {
      rule: anomaly.rule,
      wouldFire: 0,
      wouldWithdraw: 0,
    };
    if (change === 'FIRE') count.wouldFire += 1;
    else count.wouldWithdraw += 1;
    this.counts.set(anomaly.rule, count);
    if (this.taken[change] >= this.sampleSize) return;
    this.taken[change] += 1;
    const { rule, requestId, summary } = anomaly;
    this.samples.push({ change, rule, requestId, summary });
  }
}
