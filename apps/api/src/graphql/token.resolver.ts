import { Roles, type Caller } from '@app/auth';
import { tokenKeyOf } from '@app/contract';
import { InvestigationService } from '@app/investigation';
import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { pageCost } from './front-door';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { badUserInput } from './user-input';
import { decodeCursor, encodeCursor, pageSize } from './cursor';
import { toLineageNode } from './mappers';
import { TokenLineageConnection, TokenLineageNode } from './models/token.model';

const isPosition = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0;

@Resolver(() => TokenLineageNode)
export class TokenResolver {
  constructor(private readonly investigation: InvestigationService) {}

  @Query(() => TokenLineageConnection, {
    description:
      'A token and every token derived from it, breadth first: the blast radius of a leak. Name it by key, or by jti and issuer, or by fingerprint.',
    complexity: pageCost(5),
  })
  @Roles('investigator')
  async tokenLineage(
    @CurrentCaller() caller: Caller,
    @Args('key', { nullable: true }) key?: string,
    @Args('jti', { nullable: true }) jti?: string,
    @Args('issuer', { nullable: true }) issuer?: string,
    @Args('fingerprint', { nullable: true }) fingerprint?: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<TokenLineageConnection> {
    const root =
      key ??
      (jti !== undefined || fingerprint !== undefined
        ? tokenKeyOf({ jti, issuer, fingerprint })
        : undefined);
    if (root === undefined)
      throw badUserInput('name the token by key, by jti (and issuer), or by fingerprint');
    const limit = pageSize(first);
    const start = (decodeCursor('lineage', after, isPosition) ?? -1) + 1;
    // The tree is bounded (MAX_TREE_NODES) and ordered, so a page is a slice of it.
    const nodes = await this.investigation.tokenLineage(caller.scope, root);
    const edges = nodes
      .slice(start, start + limit)
      .map((row, i) => ({ cursor: encodeCursor('lineage', start + i), node: toLineageNode(row) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: start + limit < nodes.length,
        hasPreviousPage: start > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }
}
