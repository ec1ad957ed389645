import { ANOMALY_RULES, evaluateAnomalies, type AnomalyPolicy } from '@app/anomalies';
import type { AnomalyRow, RequestGraphRepository, Transaction } from '@app/persistence';

/** The rules that judge requests: only their verdicts are withdrawn when no longer found. */
export const REQUEST_RULE_NAMES = ANOMALY_RULES.map((rule) => rule.rule);

/**
 * Judges requests again on every fact committed, at the database's present time: what the
 * rules find is their verdict (`found`); an open anomaly of theirs not found again is to be
 * withdrawn (`evaluated`). The one judging path of the batches and the sweeper alike.
 */
export async function judgeRequests(
  graphs: RequestGraphRepository,
  tx: Transaction,
  requestIds: readonly string[],
  policy: AnomalyPolicy,
): Promise<{ found: AnomalyRow[]; evaluated: string[] }> {
  if (requestIds.length === 0) return { found: [], evaluated: [] };
  const loaded = await graphs.loadForRules(tx, requestIds);
  // A token presented by several actors is shared in every request that presented it,
  // also those judged earlier, before the second actor appeared: judge those again. (Only
  // when a token is shared, which costs a clean batch no statement. Their judging locks come
  // after this batch's: a deadlock this rarely risks is retried.)
  const shared = [...loaded.values()].flatMap((graph) =>
    [...graph.presenters].filter(([, actors]) => actors.length > 1).map(([key]) => key),
  );
  const others = (await graphs.requestsPresenting(tx, [...new Set(shared)])).filter(
    (requestId) => !loaded.has(requestId),
  );
  for (const [requestId, graph] of await graphs.loadForRules(tx, others))
    loaded.set(requestId, graph);
  const now = await graphs.clock(tx);
  return {
    found: [...loaded.values()].flatMap((graph) => evaluateAnomalies(graph, policy, now)),
    evaluated: [...loaded.keys()],
  };
}
