import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { JwtVerifier, Public, type Caller } from '@app/auth';
import { kafkaSecurity, type ApiEnv } from '@app/config';
import { createKafka } from '@app/kafka';
import {
  HealthController,
  METRICS_REGISTRY,
  READINESS_CHECKS,
  type ReadinessCheck,
} from '@app/observability';
import { DatabaseService, PersistenceModule } from '@app/persistence';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Request } from 'express';
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import { AccessLogInterceptor } from './access-log.interceptor';
import { ApiMetrics } from './api.metrics';
import { API_FEATURES, SCHEMA_OPTIONS } from './api.schema';
import { AuthGuard, JWT_VERIFIER } from './auth/auth.guard';
import type { GraphqlContext } from './auth/graphql-context';
import { ApiContextModule } from './common/api-context.module';
import {
  admitOverSocket,
  costLimitPlugin,
  frontDoorRules,
  type FrontDoorLimits,
} from './common/front-door.rules';
import { formatGraphqlError } from './common/graphql-error.formatter';
import { DevSignInModule } from './dev/dev-sign-in.module';
import { ExportHttpModule } from './export/export.module';
import { LedgerHttpModule } from './ledger/ledger.module';
import { SafeArgumentsPipe } from './common/safe-arguments.pipe';

// Health endpoints are public; everything else must say who may call it.
Public()(HealthController);

/** What a socket's connection is called in the access log (operations log their root field). */
const SOCKET_FIELD = '(graphql-ws connection)';

/**
 * The API process: the feature modules (API_FEATURES) behind one GraphQL endpoint, its front
 * door (limits, error formatting, argument checks) on HTTP and graphql-ws alike, the global
 * guard and access log, and the health endpoints.
 */
@Module({})
export class ApiModule {
  static forRoot(config: ApiEnv, logger: Logger): DynamicModule {
    const metrics = new ApiMetrics();
    const verifier = new JwtVerifier({
      jwksUrl: config.AUTH_JWKS_URL,
      jwksFile: config.AUTH_JWKS_FILE,
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
    });
    const production = config.NODE_ENV === 'production';
    const limits: FrontDoorLimits = {
      maxDepth: config.GRAPHQL_MAX_DEPTH,
      maxComplexity: config.GRAPHQL_MAX_COMPLEXITY,
      maxAliases: config.GRAPHQL_MAX_ALIASES,
      maxDirectives: config.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: config.GRAPHQL_MAX_TOKENS,
      production,
    };
    // The schema both transports serve, kept when Nest builds it (the socket prices with it).
    let served: GraphQLSchema | undefined;
    return {
      module: ApiModule,
      imports: [
        ApiContextModule.forRoot(config, logger, metrics),
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          onQuery: () => metrics.databaseQueries.inc(),
          lifecycleAuthorities: config.LIFECYCLE_AUTHORITIES,
        }),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          buildSchemaOptions: SCHEMA_OPTIONS,
          introspection: !production,
          playground: false,
          csrfPrevention: true,
          transformSchema: (schema: GraphQLSchema) => (served = schema),
          validationRules: frontDoorRules(limits),
          parseOptions: { maxTokens: limits.maxTokens },
          plugins: [costLimitPlugin(limits)],
          includeStacktraceInErrorResponses: false,
          formatError: (formatted) => formatGraphqlError(formatted, { production }),
          context: ({
            req,
            extra,
          }: {
            req?: Request;
            extra?: { caller?: Caller };
          }): GraphqlContext => (extra?.caller ? { caller: extra.caller } : { req }),
          subscriptions: {
            'graphql-ws': {
              path: '/graphql',
              // The same front door as HTTP: parse limit, validation rules, cost, formatting.
              onSubscribe: (_ctx, _id, payload) => {
                const admitted = admitOverSocket(served!, payload, limits);
                if ('args' in admitted) return admitted.args;
                return admitted.errors.map((error) => {
                  const safe = formatGraphqlError(error.toJSON(), { production });
                  return new GraphQLError(safe.message, { extensions: safe.extensions });
                });
              },
              // The socket answers like HTTP: the same error formatting, no stack, no SQL.
              onNext: (_ctx, _id, _payload, _args, result) =>
                result.errors
                  ? {
                      ...result,
                      errors: result.errors.map((error) =>
                        formatGraphqlError(error.toJSON(), { production }),
                      ),
                    }
                  : undefined,
              // A socket is authenticated once, at connection; a bad token closes it (4403).
              onConnect: async (context: {
                connectionParams?: Record<string, unknown>;
                extra: unknown;
              }) => {
                const authorization = context.connectionParams?.authorization;
                try {
                  const extra = context.extra as { caller?: Caller; socket?: WebSocket };
                  const caller = await verifier.verify(
                    typeof authorization === 'string' ? authorization : undefined,
                  );
                  extra.caller = caller;
                  // The token's expiry ends the socket too: nothing answers or pushes after it.
                  const socket = extra.socket;
                  if (caller.expiresAt && socket) {
                    const timer = setTimeout(
                      () => socket.close(4401, 'the token has expired'),
                      // setTimeout holds at most ~24.8 days; a socket that old reconnects.
                      Math.min(2 ** 31 - 1, Math.max(0, caller.expiresAt.getTime() - Date.now())),
                    );
                    timer.unref();
                    socket.once('close', () => clearTimeout(timer));
                  }
                  logger.info(
                    {
                      access: {
                        sub: caller.sub,
                        tenants: caller.tenants,
                        field: SOCKET_FIELD,
                        outcome: 'ok',
                      },
                    },
                    'api socket opened',
                  );
                  return true;
                } catch (error) {
                  // Like the guard's refusals: its own words, never the token.
                  logger.info(
                    {
                      access: {
                        sub: null,
                        tenants: [],
                        field: SOCKET_FIELD,
                        outcome: 'refused',
                        reason: (error as Error).message,
                      },
                    },
                    'api access refused',
                  );
                  return false;
                }
              },
            },
          },
        }),
        ...API_FEATURES,
        ExportHttpModule,
        LedgerHttpModule,
        ...DevSignInModule.forConfig(config),
      ],
      controllers: [HealthController],
      providers: [
        { provide: JWT_VERIFIER, useValue: verifier },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useClass: SafeArgumentsPipe },
        { provide: APP_INTERCEPTOR, useClass: AccessLogInterceptor },
        { provide: METRICS_REGISTRY, useValue: metrics.registry },
        {
          provide: READINESS_CHECKS,
          useFactory: (database: DatabaseService): ReadinessCheck[] => {
            // One client (its settings and a warning, if any, once); an admin per check.
            const kafka = createKafka(
              {
                clientId: `${config.KAFKA_CLIENT_ID}-api-ready`,
                brokers: config.KAFKA_BROKERS,
                security: kafkaSecurity(config),
              },
              logger,
            );
            return [
              { name: 'database', check: () => database.ping() },
              {
                name: 'kafka',
                check: async () => {
                  const admin = kafka.admin();
                  await admin.connect();
                  try {
                    await admin.describeCluster();
                  } finally {
                    await admin.disconnect();
                  }
                },
              },
            ];
          },
          inject: [DatabaseService],
        },
      ],
    };
  }
}
