import { Roles, type Caller } from '@app/auth';
import { tokenKeyOf } from '@app/graph';
import { InvestigationService } from '@app/investigation';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { pageCost } from '../common/front-door.rules';
import { toConnection } from '../common/paging/connection.mapper';
import { cursorKind, decodeCursor } from '../common/paging/cursor.codec';
import { pageSize } from '../common/paging/page.args';
import { badUserInput } from '../common/user-input.error';
import { TokenLineageArgs } from './dto/token-lineage.args';
import { TokenLineageConnection, TokenLineageNode } from './models/token-lineage.model';
import { toLineageNode } from './token.mapper';

/** A lineage cursor is a position in the tree's breadth-first order. */
const LINEAGE_CURSOR = cursorKind(
  'lineage',
  (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0,
);

@Resolver(() => TokenLineageNode)
export class TokensResolver {
  constructor(private readonly investigation: InvestigationService) {}

  @Query(() => TokenLineageConnection, {
    description:
      'A token and every token derived from it, breadth first: the blast radius of a leak. Name it by key, or by jti and issuer, or by fingerprint.',
    complexity: pageCost(5),
  })
  @Roles('investigator')
  async tokenLineage(
    @CurrentCaller() caller: Caller,
    @Args() { key, jti, issuer, fingerprint, ...page }: TokenLineageArgs,
  ): Promise<TokenLineageConnection> {
    const root =
      key ??
      (jti !== undefined || fingerprint !== undefined
        ? tokenKeyOf({ jti, issuer, fingerprint })
        : undefined);
    if (root === undefined)
      throw badUserInput('name the token by key, by jti (and issuer), or by fingerprint');
    const first = pageSize(page.first);
    const after = decodeCursor(LINEAGE_CURSOR, page.after);
    const start = (after ?? -1) + 1;
    // The tree is bounded (MAX_TREE_NODES) and ordered, so a page is a slice of it.
    const nodes = await this.investigation.tokenLineage(caller.scope, root);
    return toConnection(
      nodes.slice(start, start + first + 1),
      { first, after },
      {
        cursor: LINEAGE_CURSOR,
        position: (_row, index) => start + index,
        nodes: (rows) => rows.map(toLineageNode),
      },
    );
  }
}
