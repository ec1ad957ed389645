import { formatGraphqlError } from './graphql-error.formatter';

describe('formatGraphqlError', () => {
  const suggestion = {
    message: 'Cannot query field "provenanc" on type "Query". Did you mean "provenance"?',
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
  };

  it('drops "Did you mean" suggestions in production only', () => {
    expect(formatGraphqlError(suggestion, { production: true }).message).toBe(
      'Cannot query field "provenanc" on type "Query".',
    );
    expect(formatGraphqlError(suggestion).message).toContain('Did you mean "provenance"?');
  });

  it('turns a 400 from any layer into BAD_USER_INPUT with its own message', () => {
    const formatted = formatGraphqlError({
      message: 'Bad Request Exception',
      extensions: {
        code: 'INTERNAL_SERVER_ERROR',
        originalError: { statusCode: 400, message: 'invalid cursor' },
      },
    });
    expect(formatted).toMatchObject({
      message: 'invalid cursor',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('says nothing of an unexpected error (SQL text, stack)', () => {
    const formatted = formatGraphqlError({
      message: 'invalid byte sequence for encoding "UTF8": 0x00 in SELECT ... FROM hops',
      extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at query'] },
    });
    expect(formatted).toEqual({
      message: 'internal error',
      path: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('never quotes the value a variable or literal was refused for', () => {
    const variable = formatGraphqlError({
      message:
        'Variable "$s" got invalid value "eyJ-pasted-secret"; expected an RFC 3339 date-time such as 2026-11-22T10:00:00Z',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(variable.message).toBe(
      'Variable "$s" got an invalid value; expected an RFC 3339 date-time such as 2026-11-22T10:00:00Z',
    );
    const literal = formatGraphqlError({
      message: 'Expected value of type "DateTime", found "lure; x"; Int cannot represent "y"',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(literal).toMatchObject({
      message: 'Expected value of type "DateTime", found an invalid value',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
