// The search API (`requests(filter, first, after)`, `principals(search, ...)`): the one file
// that knows its shape, so that the views stay as they are if it changes.
import { ApiError, graphql } from './graphql-client';
import type { Connection, Principal } from './types';

export interface RequestFilter {
  principal?: string;
  tenant?: string;
  issuer?: string;
  service?: string;
  resource?: string;
  tokenKey?: string;
  jti?: string;
  tokenIssuer?: string;
  fingerprint?: string;
  since?: string;
  until?: string;
}

export interface RequestSummary {
  requestId: string;
  lastSeenAt?: string | null;
  origin?: Principal | null;
}

const PRINCIPAL = 'id issuer tenant kind displayName reportedBy';

const REQUESTS = `query SearchRequests($filter: RequestFilter, $first: Int, $after: String) {
  requests(filter: $filter, first: $first, after: $after) {
    edges { cursor node { requestId lastSeenAt origin { ${PRINCIPAL} } } }
    pageInfo { endCursor hasNextPage }
  }
}`;

const PRINCIPALS = `query SearchPrincipals($search: String!, $tenant: String, $issuer: String, $first: Int, $after: String) {
  principals(search: $search, tenant: $tenant, issuer: $issuer, first: $first, after: $after) {
    edges { cursor node { ${PRINCIPAL} } }
    pageInfo { endCursor hasNextPage }
  }
}`;

/** Only the filter's set fields: the API reads an absent field as "any". */
const compact = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== ''),
  ) as Partial<T>;

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
