import type { RequestGraph } from '@app/graph';
import { reconstruct } from '@app/provenance';
import { defaultPolicy, type AnomalyPolicy, type AnomalyRule, type Finding } from '../anomaly-rule';

export { crmStory, RequestGraphBuilder } from '@app/provenance/testing';

/** Runs one rule on a graph, as the evaluator does. */
export function run(
  rule: AnomalyRule,
  graph: RequestGraph,
  policy: Partial<AnomalyPolicy> = {},
): Finding[] {
  return rule.evaluate({
    graph,
    provenance: reconstruct(graph),
    policy: { ...defaultPolicy(), ...policy },
  });
}
