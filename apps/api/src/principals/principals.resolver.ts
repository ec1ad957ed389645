import { Roles, type Caller } from '@app/auth';
import { InvestigationService, SearchService } from '@app/investigation';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { pageCost } from '../common/front-door.rules';
import { toConnection } from '../common/paging/connection.mapper';
import { cursorKind, decodeCursor } from '../common/paging/cursor.codec';
import { pageSize } from '../common/paging/page.args';
import { refusingBadInput } from '../common/user-input.error';
import { PrincipalArgs } from './dto/principal.args';
import { PrincipalsArgs } from './dto/principals.args';
import { Principal, PrincipalConnection } from './models/principal.model';
import { toPrincipal } from './principal.mapper';

/** A search page holds at most this many principals. */
export const MAX_PRINCIPAL_PAGE = 100;

type PrincipalCursor = { id: string; tenant: string; issuer: string };
/** In (id, tenant, issuer) byte order: a page continues after the last identity. */
const PRINCIPAL_CURSOR = cursorKind(
  'principal',
  (value: unknown): value is PrincipalCursor =>
    typeof value === 'object' &&
    value !== null &&
    ['id', 'tenant', 'issuer'].every(
      (key) => typeof (value as Record<string, unknown>)[key] === 'string',
    ),
);

/** `Principal.actions` is resolved by the provenance feature: a principal's hops. */
@Resolver(() => Principal)
export class PrincipalsResolver {
  constructor(
    private readonly investigation: InvestigationService,
    private readonly search: SearchService,
  ) {}

  @Query(() => Principal, {
    nullable: true,
    description: 'A principal by identity; null if unknown or not visible.',
    complexity: ({ childComplexity }) => 2 + childComplexity,
  })
  @Roles('investigator')
  async principal(
    @Args() { tenant, issuer, id }: PrincipalArgs,
    @CurrentCaller() caller: Caller,
  ): Promise<Principal | null> {
    const view = await this.investigation.principal(caller.scope, { tenant, issuer, subject: id });
    return view ? toPrincipal(view) : null;
  }

  @Query(() => PrincipalConnection, {
    description: `Principals the caller may see (by the rule of \`principal\`) whose id or display name contains \`search\`, each identity once (as \`principal\` would answer it), ordered by id, then tenant, then issuer (byte order, ascending). At most ${MAX_PRINCIPAL_PAGE} per page.`,
    complexity: pageCost(5),
  })
  @Roles('investigator')
  async principals(
    @CurrentCaller() caller: Caller,
    @Args() { search, tenant, issuer, ...page }: PrincipalsArgs,
  ): Promise<PrincipalConnection> {
    const first = pageSize(page.first, MAX_PRINCIPAL_PAGE);
    const after = decodeCursor(PRINCIPAL_CURSOR, page.after);
    const fetched = await refusingBadInput(() =>
      this.search.principalPage(
        caller.scope,
        { search, tenant, issuer },
        { after, limit: first + 1 },
      ),
    );
    return toConnection(
      fetched,
      { first, after },
      {
        cursor: PRINCIPAL_CURSOR,
        position: (row) => ({ id: row.id, tenant: row.tenant, issuer: row.issuer }),
        nodes: (rows) => rows.map(toPrincipal),
      },
    );
  }
}
