// The ESM typings: @nestjs/apollo (ESM-only) sees Apollo Server through them.
import type { ApolloServerPlugin } from '@apollo/server' with { 'resolution-mode': 'import' };
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE } from './paging/page.args';

/**
 * One front door for both transports: HTTP (Apollo) and graphql-ws apply the same parse
 * limit, the same validation rules (graphql-armor's alias, depth and directive limits,
 * introspection off in production) and the same cost limit, so that nothing the socket
 * accepts would be refused over HTTP, or the other way round.
 */
export interface FrontDoorLimits {
  maxDepth: number;
  maxComplexity: number;
  maxAliases: number;
  maxDirectives: number;
  /** Lexical tokens a document may hold: parsing stops there (graphql-js `maxTokens`). */
  maxTokens: number;
  production: boolean;
}

/** Validation rules added to graphql-js's own, for both transports. */
export function frontDoorRules(limits: FrontDoorLimits): ValidationRule[] {
  // Report a refusal as a validation error (graphql-armor's default throws it instead).
  const asValidationError = {
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => context?.reportError(error),
    ],
    propagateOnRejection: false,
  };
  const rules: ValidationRule[] = [
    maxAliasesRule({ n: limits.maxAliases, ...asValidationError }),
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, ...asValidationError }),
    maxDirectivesRule({ n: limits.maxDirectives, ...asValidationError }),
  ];
  if (limits.production) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

/**
 * What one field costs: its own work (declared on the field as `complexity`, such as a
 * chain reconstruction) plus its children, times the page size for a connection.
 */
export const pageCost =
  (ownWork: number) =>
  ({ args, childComplexity }: { args: Record<string, unknown>; childComplexity: number }): number =>
    ownWork + (typeof args.first === 'number' ? args.first : DEFAULT_PAGE) * childComplexity;

/** The operation's cost (field complexities from the resolvers' declarations), or an error. */
export function costError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: FrontDoorLimits,
): GraphQLError | null {
  const cost = getComplexity({
    schema,
    query: document,
    operationName: operationName ?? undefined,
    variables: variables ?? {},
    estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
  });
  return cost > limits.maxComplexity
    ? new GraphQLError(`query cost ${cost} exceeds the limit of ${limits.maxComplexity}`, {
        extensions: { code: 'QUERY_TOO_COMPLEX' },
      })
    : null;
}

/** HTTP: the cost limit, once Apollo has parsed and validated (with `frontDoorRules`). */
export function costLimitPlugin(limits: FrontDoorLimits): ApolloServerPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ request, document, schema }) {
          const error = costError(
            schema,
            document,
            request.operationName,
            request.variables,
            limits,
          );
          return error ? Promise.reject(error) : Promise.resolve();
        },
      });
    },
  };
}

/**
 * graphql-ws: parse, validate and price a subscription exactly as HTTP would. Returns the
 * execution arguments, or the errors to answer with.
 */
export function admitOverSocket(
  schema: GraphQLSchema,
  payload: {
    query: string;
    operationName?: string | null;
    variables?: Record<string, unknown> | null;
  },
  limits: FrontDoorLimits,
): { args: Omit<ExecutionArgs, 'contextValue' | 'rootValue'> } | { errors: GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(payload.query, { maxTokens: limits.maxTokens });
  } catch (error) {
    return {
      errors: [
        error instanceof GraphQLError
          ? new GraphQLError(error.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })
          : new GraphQLError('the query could not be parsed'),
      ],
    };
  }
  const invalid = validate(schema, document, [...specifiedRules, ...frontDoorRules(limits)]);
  if (invalid.length > 0)
    return {
      errors: invalid.map(
        (error) =>
          new GraphQLError(error.message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
      ),
    };
  const tooCostly = costError(schema, document, payload.operationName, payload.variables, limits);
  if (tooCostly) return { errors: [tooCostly] };
  return {
    args: {
      schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
    },
  };
}
