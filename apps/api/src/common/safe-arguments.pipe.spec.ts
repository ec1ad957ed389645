import { BadRequestException } from '@nestjs/common';
import { SafeArgumentsPipe } from './safe-arguments.pipe';
import { GraphQLError } from 'graphql';

describe('SafeArgumentsPipe', () => {
  const pipe = new SafeArgumentsPipe();

  it('names the argument that holds unstorable text, whether passed alone or in an @ArgsType', () => {
    expect(() => pipe.transform('a\u0000b', { type: 'custom' })).not.toThrow();
    expect(() => pipe.transform('a\u0000b', { type: 'body', data: 'key' })).toThrow(
      'key contains a NUL character or an unpaired surrogate',
    );
    expect(() =>
      pipe.transform({ first: 2, filter: { rules: ['ok', '\ud83d'] } }, { type: 'body' }),
    ).toThrow('filter contains a NUL character or an unpaired surrogate');
  });

  it('refuses in the words of the transport: BAD_USER_INPUT for GraphQL arguments, 400 for HTTP ones', () => {
    const refusal = (type: 'body' | 'query' | 'param') => {
      try {
        pipe.transform('x\u0000', { type, data: 'after' });
      } catch (error) {
        return error;
      }
      return undefined;
    };
    // GraphQL resolvers' @Args, over HTTP and graphql-ws alike, arrive as `body`.
    expect(refusal('body')).toBeInstanceOf(GraphQLError);
    expect((refusal('body') as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    expect(refusal('query')).toBeInstanceOf(BadRequestException);
    expect(refusal('param')).toBeInstanceOf(BadRequestException);
  });

  it('lets usable arguments through unchanged', () => {
    const args = { requestId: 'req-1', since: new Date(0) };
    expect(pipe.transform(args, { type: 'body' })).toBe(args);
  });
});
