import type { RequestGraph } from '@app/graph';
import { reconstruct } from '@app/provenance';
import { defaultPolicy, type AnomalyPolicy, type AnomalyRule, type Finding } from '../anomaly-rule';

export { crmStory, RequestGraphBuilder } from '@app/provenance/testing';

/** When the last of the graph's hops was received: a request judged as its last fact lands. */
export const lastArrival = (graph: RequestGraph): Date =>
  new Date(Math.max(0, ...graph.hops.map((hop) => hop.receivedAt.getTime())));

/** Runs one rule on a graph, as the evaluator does (by default, as the last hop arrives). */
export function run(
  rule: AnomalyRule,
  graph: RequestGraph,
  policy: Partial<AnomalyPolicy> = {},
  now: Date = lastArrival(graph),
): Finding[] {
  return rule.evaluate({
    graph,
    provenance: reconstruct(graph),
    policy: { ...defaultPolicy(), ...policy },
    now,
  });
}
