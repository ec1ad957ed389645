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

/** The end of a message after its last "; ", when it quotes nothing (our own explanations). */
function safeTail(message: string): string {
  const tail = message.slice(message.lastIndexOf('; ') + 2);
  return message.includes('; ') && !tail.includes('"') ? `; ${tail}` : '';
}

/**
 * graphql-js quotes the offending value when a variable or literal does not fit its type:
 * the caller's input must not come back (it may be a pasted secret, or a lure).
 */
function withoutQuotedInput(message: string): string {
  const variable = /^Variable "(\$[^"]+)" got invalid value /.exec(message);
  if (variable) return `Variable "${variable[1]}" got an invalid value${safeTail(message)}`;
  const literal = /^Expected value of type ("[^"]+"), found /.exec(message);
  if (literal)
    return `Expected value of type ${literal[1]}, found an invalid value${safeTail(message)}`;
  return message;
}

/**
 * What a client may learn from an error: its message and code when the error is the
 * client's own doing, a generic message otherwise. Stack traces and SQL never leave.
 */
export function formatGraphqlError(
  formatted: GraphQLFormattedError,
  { production = false }: { production?: boolean } = {},
): GraphQLFormattedError {
  const extensions = formatted.extensions ?? {};
  const original = (extensions.originalError ?? {}) as { statusCode?: number; message?: unknown };
  let code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
  // An argument the caller got wrong, whatever layer noticed it.
  if (original.statusCode === 400) code = 'BAD_USER_INPUT';
  if (original.statusCode === 401) code = 'UNAUTHENTICATED';
  if (original.statusCode === 403) code = 'FORBIDDEN';
  if (!SAFE_CODES.has(code)) {
    return {
      message: 'internal error',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  }
  let message = typeof original.message === 'string' ? original.message : formatted.message;
  // "Did you mean …?" names fields and types: a map of the schema, which production keeps.
  if (production) message = message.replace(/ Did you mean [^?]*\?$/, '');
  // A literal argument of the wrong shape is refused while validating: still the caller's input.
  if (code === 'GRAPHQL_VALIDATION_FAILED' && message.startsWith('Expected value of type '))
    code = 'BAD_USER_INPUT';
  if (code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED')
    message = withoutQuotedInput(message);
  return { message, locations: formatted.locations, path: formatted.path, extensions: { code } };
}
