// The search API (`requests(filter, first, after)`, `principals(search, ...)`): the one file
// that knows its shape, so that the views stay as they are if it changes.
import { ApiError, graphql } from './graphql-client';
import type { Connection, Principal, Severity } from './types';

export interface TokenMatch {
  jti?: string;
  issuer?: string;
  fingerprint?: string;
}

export interface RequestFilter {
  requestId?: string;
  principal?: { search: string; tenant?: string; issuer?: string };
  /** Part of a hop's target service or resource. */
  target?: string;
  token?: TokenMatch;
  since?: string;
  until?: string;
}

export interface RequestSummary {
  requestId: string;
  firstSeenAt: string;
  lastSeenAt: string;
  origin?: Principal | null;
  complete: boolean;
  hopCount: number;
  openAnomalies: number;
  maxSeverity?: Severity | null;
  targets: string[];
}

const PRINCIPAL = 'id issuer tenant kind displayName reportedBy';

const REQUESTS = `query SearchRequests($filter: RequestFilter, $first: Int, $after: String) {
  requests(filter: $filter, first: $first, after: $after) {
    edges { cursor node {
      requestId firstSeenAt lastSeenAt complete hopCount openAnomalies maxSeverity targets
      origin { ${PRINCIPAL} }
    } }
    pageInfo { endCursor hasNextPage }
  }
}`;

const PRINCIPALS = `query SearchPrincipals($search: String!, $tenant: String, $issuer: String, $first: Int, $after: String) {
  principals(search: $search, tenant: $tenant, issuer: $issuer, first: $first, after: $after) {
    edges { cursor node { ${PRINCIPAL} } }
    pageInfo { endCursor hasNextPage }
  }
}`;

/** Only the set fields, at every level: the API reads an absent field as "any". */
function compact(value: object): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    if (field === undefined || field === '') continue;
    if (typeof field === 'object' && field !== null) {
      const inner = compact(field as object);
      if (Object.keys(inner).length) kept[name] = inner;
    } else kept[name] = field;
  }
  return kept;
}

export async function searchRequests(
  token: string,
  filter: RequestFilter,
  page: { first: number; after?: string },
): Promise<Connection<RequestSummary>> {
  const data = await graphql<{ requests: Connection<RequestSummary> }>(token, REQUESTS, {
    filter: compact(filter),
    ...page,
  });
  return data.requests;
}

export async function searchPrincipals(
  token: string,
  search: { text: string; tenant?: string; issuer?: string },
  page: { first: number; after?: string },
): Promise<Connection<Principal>> {
  const data = await graphql<{ principals: Connection<Principal> }>(token, PRINCIPALS, {
    search: search.text,
    tenant: search.tenant || undefined,
    issuer: search.issuer || undefined,
    ...page,
  });
  return data.principals;
}

/** True when the server has no search API (an older API): the caller says so and goes on. */
export const searchUnavailable = (error: unknown): boolean =>
  error instanceof ApiError && error.code === 'GRAPHQL_VALIDATION_FAILED';
