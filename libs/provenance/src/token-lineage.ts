import type { ExchangeView, PrincipalView, RequestGraph, TokenView } from '@app/graph';

/** Bound on lineage walks: a cycle or a hostile chain cannot loop forever. */
export const MAX_LINEAGE = 64;

/**
 * The exchanges a token derives from, oldest first: the first one's subject is whose
 * authority the token carries, each exchange's actor a delegate in order.
 */
export function exchangeLineage(
  graph: RequestGraph,
  tokenKey: string,
  byIssued: Map<string, ExchangeView>,
): ExchangeView[] {
  const lineage: ExchangeView[] = [];
  const seen = new Set<string>();
  let key: string | null = tokenKey;
  while (key !== null && !seen.has(key) && lineage.length < MAX_LINEAGE) {
    seen.add(key);
    const exchange = byIssued.get(key);
    if (!exchange) break;
    lineage.push(exchange);
    key = exchange.subjectTokenKey;
  }
  return lineage.reverse();
}

/** Tokens from `tokenKey` up through its parents, the token itself first. */
export function tokenAncestry(tokens: Map<string, TokenView>, tokenKey: string): TokenView[] {
  const out: TokenView[] = [];
  const seen = new Set<string>();
  let key: string | null = tokenKey;
  while (key !== null && !seen.has(key) && out.length < MAX_LINEAGE) {
    seen.add(key);
    const token = tokens.get(key);
    if (!token) break;
    out.push(token);
    key = token.parentKey;
  }
  return out;
}

/** The `act` claim chain of RFC 8693 §4.1, current actor first. */
export function actChain(claims: Record<string, unknown> | null): string[] {
  const subs: string[] = [];
  let current: unknown = claims?.act;
  while (typeof current === 'object' && current !== null && subs.length < MAX_LINEAGE) {
    const sub = (current as { sub?: unknown }).sub;
    subs.push(typeof sub === 'string' ? sub : '');
    current = (current as { act?: unknown }).act;
  }
  return subs;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const comparePrincipals = (a: PrincipalView, b: PrincipalView): number =>
  compareText(a.tenant, b.tenant) || compareText(a.issuer, b.issuer) || compareText(a.id, b.id);

/**
 * Which exchange issued a token, when several claim to: the earliest, then the one with the
 * smallest subject token key, then by who obtained it and for whom (tenant, issuer, id).
 * Every part is a fact (never a database id, which follows arrival order), so a token
 * issued twice keeps the same story whichever exchange arrived first.
 * TokenRepository.descendants orders its lateral join the same way, so the lineage tree and
 * the chain name the same obtainer.
 */
export function firstIssuing(a: ExchangeView, b: ExchangeView): number {
  return (
    a.occurredAt.getTime() - b.occurredAt.getTime() ||
    compareText(a.subjectTokenKey, b.subjectTokenKey) ||
    comparePrincipals(a.actor, b.actor) ||
    comparePrincipals(a.subject, b.subject)
  );
}

/** The exchange that issued each token (by `firstIssuing`). */
export function exchangesByIssuedToken(exchanges: ExchangeView[]): Map<string, ExchangeView> {
  const byIssued = new Map<string, ExchangeView>();
  for (const exchange of [...exchanges].sort(firstIssuing)) {
    if (!byIssued.has(exchange.issuedTokenKey)) byIssued.set(exchange.issuedTokenKey, exchange);
  }
  return byIssued;
}

export function byTimeThen<T extends { occurredAt: Date }>(tie: (item: T) => string) {
  return (a: T, b: T): number =>
    a.occurredAt.getTime() - b.occurredAt.getTime() ||
    (tie(a) < tie(b) ? -1 : tie(a) > tie(b) ? 1 : 0);
}
