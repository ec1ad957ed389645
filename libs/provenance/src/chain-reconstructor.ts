import {
  keyOfRecord,
  type ExchangeView,
  type HopView,
  type PrincipalView,
  type RequestGraph,
} from '@app/graph';
import { actChain, byTimeThen, exchangeLineage, exchangesByIssuedToken } from './token-lineage';

export const GAP_KINDS = [
  /** A hop names a parent hop that was never observed. */
  'MISSING_PARENT_HOP',
  /** A hop presented a token whose issuing exchange was never observed. */
  'UNLINKED_TOKEN',
  /** A hop acts for someone else without presenting any token. */
  'NO_TOKEN',
  /** The token's `act` claims name other actors than the observed exchanges. */
  'ACT_MISMATCH',
  /** The hop's actor is not the delegate the token was issued to. */
  'ACTOR_NOT_TOKEN_HOLDER',
  /** The hop claims to act for someone other than the token's origin. */
  'ON_BEHALF_OF_MISMATCH',
] as const;
export type GapKind = (typeof GAP_KINDS)[number];

export interface Gap {
  kind: GapKind;
  hopId: string | null;
  /** The token's key (its identity, not the record key). */
  tokenKey: string | null;
  detail: string;
}

export interface Provenance {
  requestId: string;
  origin: PrincipalView | null;
  /** Origin first, then each delegate in order. */
  chain: PrincipalView[];
  /** Oldest first. */
  hops: HopView[];
  exchanges: ExchangeView[];
  gaps: Gap[];
  complete: boolean;
  /** The exchanges behind each hop's token, oldest first, by hop key. */
  lineageByHop: Map<string, ExchangeView[]>;
  /** The exchange that issued each token (by record key), as the chain reads it. */
  issuedBy: ReadonlyMap<string, ExchangeView>;
}

const same = (a: PrincipalView | null | undefined, b: PrincipalView | null | undefined): boolean =>
  !!a && !!b && a.ref === b.ref;

/**
 * Depth of each hop in the hop tree (0 for a root), bounded against cycles. A parent is
 * looked up among the hops of the same owning tenant (hop keys are record keys): another
 * tenant cannot graft its hop under this one.
 */
function hopDepths(hops: HopView[]): Map<string, number> {
  const byKey = new Map(hops.map((hop) => [hop.key, hop]));
  const depths = new Map<string, number>();
  for (const hop of hops) {
    let depth = 0;
    let parent = hop.parentKey ? byKey.get(hop.parentKey) : undefined;
    const seen = new Set([hop.key]);
    while (parent && !seen.has(parent.key)) {
      seen.add(parent.key);
      depth += 1;
      parent = parent.parentKey ? byKey.get(parent.parentKey) : undefined;
    }
    depths.set(hop.key, depth);
  }
  return depths;
}

export interface ReconstructOptions {
  /**
   * The reader's own tenants. Another tenant's hops (visible because they target the reader)
   * are shown with their gaps, but the origin and the chain come from the reader's own hops
   * whenever it has any: another tenant cannot put words in the reader's chain.
   */
  ownTenants?: readonly string[];
}

/**
 * Who acted on whose behalf, from what was observed. The origin and the chain come from
 * the longest token lineage observed, through the hops' tokens and the exchanges alike
 * (each exchange: subject → actor); the hops' own links and the tokens' `act` claims are cross-checked against it, and every
 * disagreement or missing piece becomes a gap. The result depends only on the set of
 * stored facts, never on the order they arrived in.
 */
export function reconstruct(graph: RequestGraph, options: ReconstructOptions = {}): Provenance {
  const hops = [...graph.hops].sort(byTimeThen((hop) => hop.key));
  const exchanges = [...graph.exchanges].sort(byTimeThen((x) => x.issuedTokenKey));
  const byIssued = exchangesByIssuedToken(exchanges);
  const hopKeys = new Set(hops.map((hop) => hop.key));
  const gaps: Gap[] = [];
  const lineageByHop = new Map<string, ExchangeView[]>();

  for (const hop of hops) {
    const lineage = hop.tokenKey ? exchangeLineage(graph, hop.tokenKey, byIssued) : [];
    lineageByHop.set(hop.key, lineage);
  }

  // The leading lineage: the longest delegation observed, whether a hop presented its token
  // or only its exchange was seen (a delegate whose own hop is missing still counts). On a
  // tie, the one behind the deepest hop (latest on a tie) leads, then the earliest exchange.
  const ownTenants = options.ownTenants;
  const owned = ownTenants ? hops.filter((hop) => ownTenants.includes(hop.tenant)) : hops;
  const leading = owned.length > 0 ? owned : hops;
  const depths = hopDepths(hops);
  const leaf = [...leading].sort(
    (a, b) =>
      depths.get(b.key)! - depths.get(a.key)! || byTimeThen<HopView>((hop) => hop.key)(b, a),
  )[0];
  let lineage = leaf ? lineageByHop.get(leaf.key)! : [];
  for (const hop of leading)
    if (lineageByHop.get(hop.key)!.length > lineage.length) lineage = lineageByHop.get(hop.key)!;
  for (const exchange of exchanges) {
    const observed = exchangeLineage(graph, exchange.issuedTokenKey, byIssued);
    if (observed.length > lineage.length) lineage = observed;
  }

  let origin: PrincipalView | null;
  const chain: PrincipalView[] = [];
  if (lineage.length > 0) {
    origin = lineage[0].subject;
    chain.push(origin);
    for (const exchange of lineage)
      if (!same(chain[chain.length - 1], exchange.actor)) chain.push(exchange.actor);
  } else {
    const root = leading.find((hop) => !hop.parentKey || !hopKeys.has(hop.parentKey));
    origin = root ? (root.onBehalfOf ?? root.actor) : null;
    if (origin) chain.push(origin);
    for (const hop of leading) if (!chain.some((p) => same(p, hop.actor))) chain.push(hop.actor);
  }

  for (const hop of hops) {
    const hopLineage = lineageByHop.get(hop.key)!;
    if (hop.parentKey && !hopKeys.has(hop.parentKey)) {
      gaps.push({
        kind: 'MISSING_PARENT_HOP',
        hopId: hop.hopId,
        tokenKey: null,
        detail: `hop ${hop.hopId} names parent hop ${hop.parentHopId}, which was never observed`,
      });
    }
    const actsForOther = hop.onBehalfOf !== null && !same(hop.onBehalfOf, hop.actor);
    if (!hop.tokenKey) {
      if (actsForOther)
        gaps.push({
          kind: 'NO_TOKEN',
          hopId: hop.hopId,
          tokenKey: null,
          detail: `hop ${hop.hopId} acts on behalf of ${hop.onBehalfOf!.id} without presenting a token`,
        });
      continue;
    }
    if (hopLineage.length === 0) {
      if (actsForOther) {
        gaps.push({
          kind: 'UNLINKED_TOKEN',
          hopId: hop.hopId,
          tokenKey: keyOfRecord(hop.tokenKey),
          detail: `the exchange that issued the token presented at hop ${hop.hopId} was never observed`,
        });
      }
      continue;
    }
    const holder = hopLineage[hopLineage.length - 1].actor;
    if (!same(holder, hop.actor)) {
      gaps.push({
        kind: 'ACTOR_NOT_TOKEN_HOLDER',
        hopId: hop.hopId,
        tokenKey: keyOfRecord(hop.tokenKey),
        detail: `hop ${hop.hopId} is performed by ${hop.actor.id} with a token issued to ${holder.id}`,
      });
    }
    if (hop.onBehalfOf && !same(hop.onBehalfOf, hopLineage[0].subject)) {
      gaps.push({
        kind: 'ON_BEHALF_OF_MISMATCH',
        hopId: hop.hopId,
        tokenKey: keyOfRecord(hop.tokenKey),
        detail: `hop ${hop.hopId} claims to act for ${hop.onBehalfOf.id}, its token carries the authority of ${hopLineage[0].subject.id}`,
      });
    }
    // Compare only what both sides know: the act claims (current actor first) against
    // the observed delegates (newest first). Unobserved older exchanges are no mismatch.
    const claimed = actChain(graph.tokens.get(hop.tokenKey)?.claims ?? null);
    const observed = hopLineage.map((x) => x.actor.id).reverse();
    const disagreement = claimed.findIndex((sub, i) => i < observed.length && sub !== observed[i]);
    if (claimed.length > 0 && disagreement >= 0) {
      gaps.push({
        kind: 'ACT_MISMATCH',
        hopId: hop.hopId,
        tokenKey: keyOfRecord(hop.tokenKey),
        detail: `the token at hop ${hop.hopId} claims actor ${claimed[disagreement]} at act level ${disagreement + 1}; the observed exchange names ${observed[disagreement]}`,
      });
    }
  }

  return {
    requestId: graph.requestId,
    origin,
    chain,
    hops,
    exchanges,
    gaps,
    complete: gaps.length === 0 && hops.length > 0,
    lineageByHop,
    issuedBy: byIssued,
  };
}
