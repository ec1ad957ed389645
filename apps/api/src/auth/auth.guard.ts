import {
  AuthenticationError,
  PUBLIC_KEY,
  ROLES_KEY,
  type Caller,
  type JwtVerifier,
  type Role,
} from '@app/auth';
import {
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import type { GraphQLResolveInfo } from 'graphql';
import type { Logger } from 'pino';
import { API_LOGGER } from '../common/api.tokens';
import type { GraphqlContext } from './graphql-context';

export const JWT_VERIFIER = Symbol('JWT_VERIFIER');

/**
 * Deny by default: a handler is reachable only if it declares who may call it (`@Roles`)
 * or that anyone may (`@Public`). The verified caller is attached to the request or the
 * GraphQL context, where `@CurrentCaller()` reads it.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(JWT_VERIFIER) private readonly verifier: JwtVerifier,
    @Inject(API_LOGGER) private readonly logger: Logger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      return await this.admit(context);
    } catch (error) {
      // Refused attempts belong in the access log too (the granted ones are logged by the
      // AccessLogInterceptor); the reasons are this guard's own words, never the input.
      const caller = this.knownCaller(context);
      this.logger.info(
        {
          access: {
            sub: caller?.sub ?? null,
            tenants: caller?.tenants ?? [],
            field: this.fieldOf(context),
            outcome: 'refused',
            reason: (error as Error).message,
          },
        },
        'api access refused',
      );
      throw error;
    }
  }

  private knownCaller(context: ExecutionContext): Caller | undefined {
    if (context.getType<string>() === 'graphql') {
      const gql = GqlExecutionContext.create(context).getContext<GraphqlContext>();
      return gql.caller ?? gql.req?.caller;
    }
    return context.switchToHttp().getRequest<{ caller?: Caller }>().caller;
  }

  private fieldOf(context: ExecutionContext): string {
    if (context.getType<string>() === 'graphql')
      return GqlExecutionContext.create(context).getInfo<GraphQLResolveInfo>().fieldName;
    return context.switchToHttp().getRequest<Request>().path;
  }

  private async admit(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles || roles.length === 0)
      throw new ForbiddenException('this operation declares no access policy');

    const caller = await this.callerOf(context);
    if (!roles.some((role) => caller.may(role))) {
      throw new ForbiddenException(`requires one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }

  private async callerOf(context: ExecutionContext): Promise<Caller> {
    let holder: { caller?: Caller };
    let authorization: string | undefined;
    if (context.getType<string>() === 'graphql') {
      const gql = GqlExecutionContext.create(context).getContext<GraphqlContext>();
      if (gql.caller) return gql.caller;
      holder = gql;
      authorization = gql.req?.headers.authorization;
    } else {
      const req = context.switchToHttp().getRequest<Request & { caller?: Caller }>();
      holder = req;
      authorization = req.headers.authorization;
    }
    try {
      holder.caller = await this.verifier.verify(authorization);
      return holder.caller;
    } catch (error) {
      if (error instanceof AuthenticationError) throw new UnauthorizedException(error.message);
      throw error;
    }
  }
}
