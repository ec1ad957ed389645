import type { PrincipalView, TenantScope } from '@app/graph';
import {
  PrincipalRepository,
  RequestSearchRepository,
  type MatchKind,
  type MatchProbe,
  type RequestMatch,
  type RequestPosition,
  type RequestSummaryRow,
} from '@app/persistence';
import { Injectable } from '@nestjs/common';
import {
  containsPattern,
  parseSearchInput,
  principalSearchSchema,
  requestSearchSchema,
  type RequestSearch,
} from './search-input';

/**
 * How many rows a part of a match may find for its requests to be ranked one by one; past
 * it the part is broad, and walking the scope's activity newest first finds a page sooner.
 */
export const CANDIDATE_CAP = 5_000;

export type PagePlan =
  { kind: 'rank'; candidates: string[]; verify: MatchKind[] } | { kind: 'walk' };

/**
 * Which plan answers a page. A part whose probe was not cut lists every request it can
 * find: the requests every such part lists are the only candidates, ranked and checked
 * against the other (broad) parts. With no such part (nothing selective asked, or only
 * broad parts) the scope's activity is walked. Both plans give the same order and cursors.
 */
export function planPage(probes: readonly MatchProbe[]): PagePlan {
  const narrow = probes
    .filter((probe) => probe.complete)
    .sort((a, b) => a.requestIds.length - b.requestIds.length);
  if (narrow.length === 0) return { kind: 'walk' };
  let candidates = narrow[0].requestIds;
  for (const other of narrow.slice(1)) {
    const listed = new Set(other.requestIds);
    candidates = candidates.filter((id) => listed.has(id));
  }
  return {
    kind: 'rank',
    candidates,
    verify: probes.filter((probe) => !probe.complete).map((probe) => probe.kind),
  };
}

/** The repository's match: free text as literal LIKE patterns. */
export function toMatch(search: RequestSearch): RequestMatch {
  return {
    requestId: search.requestId,
    principal: search.principal && {
      pattern: containsPattern(search.principal.search),
      tenant: search.principal.tenant,
      issuer: search.principal.issuer,
    },
    target: search.target === undefined ? undefined : containsPattern(search.target),
    token: search.token,
  };
}

export interface PrincipalSearchPage {
  after?: { id: string; tenant: string; issuer: string };
  limit: number;
}

/**
 * The search use cases: requests by what they show, principals by any part of their name.
 * Each checks its input (SearchInputError), and answers for a tenant scope in a bounded
 * number of statements: what the scope may not see neither matches nor is listed.
 */
@Injectable()
export class SearchService {
  constructor(
    private readonly searches: RequestSearchRepository,
    private readonly principals: PrincipalRepository,
  ) {}

  /** A page of visible requests, newest first: each at its latest visible activity in the window. */
  async requests(
    scope: TenantScope,
    filter: unknown,
    page: { after?: RequestPosition; limit: number },
  ): Promise<RequestPosition[]> {
    const search = parseSearchInput(requestSearchSchema, filter ?? {}, 'filter');
    const query = {
      match: toMatch(search),
      since: search.since,
      until: search.until,
      after: page.after,
      limit: page.limit,
    };
    const plan = planPage(await this.searches.probe(scope, query.match, CANDIDATE_CAP));
    return plan.kind === 'rank'
      ? this.searches.rank(scope, plan.candidates, plan.verify, query)
      : this.searches.walk(scope, query);
  }

  /** What a results list shows of each request, as the scope sees it. */
  requestSummaries(
    scope: TenantScope,
    requestIds: readonly string[],
  ): Promise<Map<string, RequestSummaryRow>> {
    return this.searches.summaries(scope, requestIds);
  }

  /** A page of visible principals whose id or display name contains the text. */
  principalPage(
    scope: TenantScope,
    input: { search: string; tenant?: string | null; issuer?: string | null },
    page: PrincipalSearchPage,
  ): Promise<PrincipalView[]> {
    const search = parseSearchInput(principalSearchSchema, input, 'principals');
    return this.principals.search(scope, {
      pattern: containsPattern(search.search),
      tenant: search.tenant,
      issuer: search.issuer,
      after: page.after,
      limit: page.limit,
    });
  }
}
