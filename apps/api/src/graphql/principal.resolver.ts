import { Roles, type Caller } from '@app/auth';
import { recordKey } from '@app/contract';
import { InvestigationService } from '@app/investigation';
import { Args, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { pageCost } from './front-door';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { decodeCursor, isBigintId, encodeCursor, pageSize } from './cursor';
import { toHop, toPrincipal } from './mappers';
import { HopConnection } from './models/action.model';
import { ActionRole } from './models/enums';
import { Principal } from './models/principal.model';

type ActionCursor = { at: string; id: string };
const isActionCursor = (value: unknown): value is ActionCursor =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as ActionCursor).at === 'string' &&
  !Number.isNaN(Date.parse((value as ActionCursor).at)) &&
  isBigintId(String((value as ActionCursor).id));

@Resolver(() => Principal)
export class PrincipalResolver {
  constructor(private readonly investigation: InvestigationService) {}

  @Query(() => Principal, {
    nullable: true,
    description: 'A principal by identity; null if unknown or not visible.',
    complexity: ({ childComplexity }) => 2 + childComplexity,
  })
  @Roles('investigator')
  async principal(
    @Args('tenant') tenant: string,
    @Args('issuer') issuer: string,
    @Args('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<Principal | null> {
    const view = await this.investigation.principal(caller.scope, { tenant, issuer, subject: id });
    return view ? toPrincipal(view) : null;
  }

  /** One page of hops in a fixed number of queries, however many requests they span. */
  @ResolveField(() => HopConnection, {
    description:
      'Hops this principal performed, or that were performed on its behalf, oldest first.',
    // A page of hops, each with its request's chain reconstructed.
    complexity: pageCost(10, 50),
  })
  async actions(
    @Parent() principal: Principal,
    @CurrentCaller() caller: Caller,
    @Args('role', { type: () => ActionRole, nullable: true, defaultValue: ActionRole.EITHER })
    role: ActionRole,
    @Args('since', { type: () => Date, nullable: true }) since?: Date,
    @Args('until', { type: () => Date, nullable: true }) until?: Date,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<HopConnection> {
    const limit = pageSize(first);
    const cursor = decodeCursor('action', after, isActionCursor);
    const rows = await this.investigation.actions(caller.scope, {
      principal: { tenant: principal.tenant, issuer: principal.issuer, subject: principal.id },
      role,
      since,
      until,
      after: cursor ? { occurredAt: new Date(cursor.at), id: cursor.id } : undefined,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const answers = await this.investigation.provenanceOf(caller.scope, [
      ...new Set(page.map((row) => row.requestId)),
    ]);
    const edges = page.flatMap((row) => {
      const answer = answers.get(row.requestId);
      const hop = answer?.provenance.hops.find((h) => h.key === recordKey(row.tenant, row.hopId));
      if (!answer || !hop) return [];
      const tokens = new Map(answer.tokens.map((token) => [token.key, token]));
      return [
        {
          cursor: encodeCursor('action', { at: row.occurredAt.toISOString(), id: row.id }),
          node: toHop(hop, tokens),
        },
      ];
    });
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > limit,
        hasPreviousPage: !!cursor,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }
}
