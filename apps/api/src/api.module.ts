import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { JwtVerifier, Public, type Caller } from '@app/auth';
import { APP_CONFIG, type ApiEnv } from '@app/config';
import { InvestigationModule } from '@app/investigation';
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
import { API_LOGGER } from './api.tokens';
import { AuthGuard, JWT_VERIFIER } from './auth/auth.guard';
import type { GraphqlContext } from './auth/graphql-context';
import { formatGraphqlError } from './error-formatter';
import { AnomalyFeed } from './graphql/anomaly-feed.service';
import { AnomalyResolver } from './graphql/anomaly.resolver';
import { PrincipalResolver } from './graphql/principal.resolver';
import { ProvenanceResolver } from './graphql/provenance.resolver';
import {
  admitOverSocket,
  costLimitPlugin,
  frontDoorRules,
  type FrontDoorLimits,
} from './graphql/front-door';
import { TokenResolver } from './graphql/token.resolver';
import { SafeArgumentsPipe } from './graphql/safe-arguments.pipe';
import { StrictDateTime } from './graphql/date-time.scalar';

// Health endpoints are public; everything else must say who may call it.
Public()(HealthController);

/** Schema-first clients read this file; a test fails when it drifts from the code. */
export const SCHEMA_FILE = 'apps/api/schema.gql';

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
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          onQuery: () => metrics.databaseQueries.inc(),
          lifecycleAuthorities: config.LIFECYCLE_AUTHORITIES,
        }),
        InvestigationModule,
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          buildSchemaOptions: {
            dateScalarMode: 'isoDate',
            scalarsMap: [{ type: Date, scalar: StrictDateTime }],
          },
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
                  return true;
                } catch {
                  return false;
                }
              },
            },
          },
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: API_LOGGER, useValue: logger },
        { provide: JWT_VERIFIER, useValue: verifier },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useClass: SafeArgumentsPipe },
        { provide: APP_INTERCEPTOR, useClass: AccessLogInterceptor },
        { provide: METRICS_REGISTRY, useValue: metrics.registry },
        AnomalyFeed,
        ProvenanceResolver,
        AnomalyResolver,
        PrincipalResolver,
        TokenResolver,
        {
          provide: READINESS_CHECKS,
          useFactory: (database: DatabaseService): ReadinessCheck[] => [
            { name: 'database', check: () => database.ping() },
            {
              name: 'kafka',
              check: async () => {
                const admin = createKafka(
                  {
                    clientId: `${config.KAFKA_CLIENT_ID}-api-ready`,
                    brokers: config.KAFKA_BROKERS,
                  },
                  logger,
                ).admin();
                await admin.connect();
                try {
                  await admin.describeCluster();
                } finally {
                  await admin.disconnect();
                }
              },
            },
          ],
          inject: [DatabaseService],
        },
      ],
    };
  }
}
