import type { GraphQLFormattedError } from 'graphql';

const SAFE_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_REQUEST',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'QUERY_TOO_DEEP',
  'QUERY_TOO_COMPLEX',
]);

/**
 * What a client may learn from an error: its message and code when the error is the
 * client's own doing, a generic message otherwise. Stack traces and SQL never leave.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = formatted.extensions ?? {};
  const original = (extensions.originalError ?? {}) as { statusCode?: number; message?: unknown };
  let code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
  if (original.statusCode === 400) code = 'BAD_REQUEST';
  if (original.statusCode === 401) code = 'UNAUTHENTICATED';
  if (original.statusCode === 403) code = 'FORBIDDEN';
  if (!SAFE_CODES.has(code)) {
    return {
      message: 'internal error',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  }
  const message = typeof original.message === 'string' ? original.message : formatted.message;
  return { message, locations: formatted.locations, path: formatted.path, extensions: { code } };
}
