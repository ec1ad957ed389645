import type { Caller } from '@app/auth';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { GraphqlContext } from './graphql-context';

/** The caller the AuthGuard verified for this operation. */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Caller => {
    if (context.getType<string>() === 'graphql') {
      const gql = GqlExecutionContext.create(context).getContext<GraphqlContext>();
      const caller = gql.caller ?? gql.req?.caller;
      if (caller) return caller;
    } else {
      const caller = context.switchToHttp().getRequest<{ caller?: Caller }>().caller;
      if (caller) return caller;
    }
    // Only reachable if a handler forgot @Roles, which the guard already refuses.
    throw new Error('no verified caller on this operation');
  },
);
