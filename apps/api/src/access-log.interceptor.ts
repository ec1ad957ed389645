import { PUBLIC_KEY, type Caller } from '@app/auth';
import { Reflector } from '@nestjs/core';
import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import type { GraphQLResolveInfo } from 'graphql';
import type { Logger } from 'pino';
import { type Observable, tap } from 'rxjs';
import { API_LOGGER } from './common/api.tokens';
import type { GraphqlContext } from './auth/graphql-context';

// Only what names the data looked at: ids and keys, never free text, never a credential.
const ID_ARGUMENT = /(^|[a-z])(id|Id|ID|key|jti|fingerprint|issuer|tenant|after)$/;
const MAX_LOGGED = 128;

function argumentIds(args: Record<string, unknown>): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const [name, value] of Object.entries(args)) {
    if (typeof value === 'string' && ID_ARGUMENT.test(name)) ids[name] = value.slice(0, MAX_LOGGED);
  }
  return ids;
}

function resultCount(result: unknown): number | 'stream' {
  if (result === null || result === undefined) return 0;
  if (Array.isArray(result)) return result.length;
  if (typeof result === 'object' && Symbol.asyncIterator in result) return 'stream';
  const edges = (result as { edges?: unknown }).edges;
  return Array.isArray(edges) ? edges.length : 1;
}

/**
 * The audit of the audit: one structured access record per API operation's root field, over
 * HTTP and graphql-ws alike, so a customer can ask who looked at their data. It names the
 * caller, its tenants, the operation and field, the ids asked for, how many results and how
 * long; it never holds a token.
 */
@Injectable()
export class AccessLogInterceptor implements NestInterceptor {
  constructor(
    @Inject(API_LOGGER) private readonly logger: Logger,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType<string>() === 'http') return this.interceptHttp(context, next);
    if (context.getType<string>() !== 'graphql') return next.handle();
    const gql = GqlExecutionContext.create(context);
    const info = gql.getInfo<GraphQLResolveInfo>();
    if (info.path.prev !== undefined) return next.handle(); // root fields only
    const graphqlContext = gql.getContext<GraphqlContext>();
    const caller: Caller | undefined = graphqlContext.caller ?? graphqlContext.req?.caller;
    const started = process.hrtime.bigint();
    const record = (outcome: 'ok' | 'error', result?: unknown) =>
      this.logger.info(
        {
          access: {
            sub: caller?.sub ?? null,
            tenants: caller?.tenants ?? [],
            operation: info.operation.name?.value ?? null,
            type: info.operation.operation,
            field: info.fieldName,
            ids: argumentIds(gql.getArgs()),
            results: outcome === 'ok' ? resultCount(result) : 0,
            outcome,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          },
        },
        'api access',
      );
    return next
      .handle()
      .pipe(tap({ next: (result) => record('ok', result), error: () => record('error') }));
  }

  /** The HTTP routes (exports): the path and the ids of the query, how many records went out. */
  private interceptHttp(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    // Health and metrics are public and polled: they name no data.
    if (
      this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [
        context.getHandler(),
        context.getClass(),
      ])
    )
      return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { caller?: Caller }>();
    const response = http.getResponse<Response>();
    const started = process.hrtime.bigint();
    const record = (outcome: 'ok' | 'error') =>
      this.logger.info(
        {
          access: {
            sub: request.caller?.sub ?? null,
            tenants: request.caller?.tenants ?? [],
            operation: null,
            type: 'http',
            field: request.path,
            ids: argumentIds(request.query as Record<string, unknown>),
            results: outcome === 'ok' ? Number(response.getHeader('x-record-count') ?? 0) : 0,
            outcome: outcome === 'ok' && !response.writableFinished ? 'aborted' : outcome,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          },
        },
        'api access',
      );
    return next.handle().pipe(tap({ complete: () => record('ok'), error: () => record('error') }));
  }
}
