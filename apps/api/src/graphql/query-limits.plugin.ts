// The ESM typings: @nestjs/apollo (ESM-only) sees Apollo Server through them.
import type { ApolloServerPlugin } from '@apollo/server' with { 'resolution-mode': 'import' };
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';

/** Deepest field nesting of an operation, following fragments (cycles cut). */
export function queryDepth(document: DocumentNode, operationName?: string | null): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }
  const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
    if (!set) return 0;
    let max = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD)
        max = Math.max(max, selection.selectionSet ? 1 + depthOf(selection.selectionSet, seen) : 1);
      else if (selection.kind === Kind.INLINE_FRAGMENT)
        max = Math.max(max, depthOf(selection.selectionSet, seen));
      else if (!seen.has(selection.name.value)) {
        const fragment = fragments.get(selection.name.value);
        max = Math.max(
          max,
          depthOf(fragment?.selectionSet, new Set([...seen, selection.name.value])),
        );
      }
    }
    return max;
  };
  let deepest = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName && definition.name?.value !== operationName) continue;
    deepest = Math.max(deepest, depthOf(definition.selectionSet, new Set()));
  }
  return deepest;
}

/** Refuses operations deeper or costlier than the configured limits, before they run. */
export function queryLimitsPlugin(limits: {
  maxDepth: number;
  maxComplexity: number;
}): ApolloServerPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ request, document, schema }) {
          const depth = queryDepth(document, request.operationName);
          if (depth > limits.maxDepth) {
            return Promise.reject(
              new GraphQLError(`query depth ${depth} exceeds the limit of ${limits.maxDepth}`, {
                extensions: { code: 'QUERY_TOO_DEEP' },
              }),
            );
          }
          const complexity = getComplexity({
            schema,
            query: document,
            operationName: request.operationName ?? undefined,
            variables: request.variables ?? {},
            estimators: [simpleEstimator({ defaultComplexity: 1 })],
          });
          if (complexity > limits.maxComplexity) {
            return Promise.reject(
              new GraphQLError(
                `query complexity ${complexity} exceeds the limit of ${limits.maxComplexity}`,
                { extensions: { code: 'QUERY_TOO_COMPLEX' } },
              ),
            );
          }
          return Promise.resolve();
        },
      });
    },
  };
}
