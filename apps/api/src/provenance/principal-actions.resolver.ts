import { type Caller } from '@app/auth';
import { recordKey } from '@app/graph';
import { InvestigationService } from '@app/investigation';
import { Args, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { pageCost } from '../common/front-door.rules';
import { toConnection } from '../common/paging/connection.mapper';
import { cursorKind, decodeCursor, isBigintId } from '../common/paging/cursor.codec';
import { pageSize } from '../common/paging/page.args';
import { Principal } from '../principals/models/principal.model';
import { ActionsArgs } from './dto/actions.args';
import { HopConnection } from './models/hop.model';
import { toHop } from './provenance.mapper';

type ActionCursor = { at: string; id: string };
/** Hops are listed oldest first: a page continues after (occurredAt, id). */
const ACTION_CURSOR = cursorKind(
  'action',
  (value: unknown): value is ActionCursor =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ActionCursor).at === 'string' &&
    !Number.isNaN(Date.parse((value as ActionCursor).at)) &&
    isBigintId(String((value as ActionCursor).id)),
);

/**
 * `Principal.actions`: a principal's hops, each as its request's reconstruction shows it.
 * Here rather than in the principals feature, because a hop is part of a provenance.
 */
@Resolver(() => Principal)
export class PrincipalActionsResolver {
  constructor(private readonly investigation: InvestigationService) {}

  /** One page of hops in a fixed number of queries, however many requests they span. */
  @ResolveField(() => HopConnection, {
    description:
      'Hops this principal performed, or that were performed on its behalf, oldest first.',
    // A page of hops, each with its request's chain reconstructed.
    complexity: pageCost(10),
  })
  async actions(
    @Parent() principal: Principal,
    @CurrentCaller() caller: Caller,
    @Args() { role, since, until, ...page }: ActionsArgs,
  ): Promise<HopConnection> {
    const first = pageSize(page.first);
    const after = decodeCursor(ACTION_CURSOR, page.after);
    const fetched = await this.investigation.actions(caller.scope, {
      principal: { tenant: principal.tenant, issuer: principal.issuer, subject: principal.id },
      role,
      since,
      until,
      after: after ? { occurredAt: new Date(after.at), id: after.id } : undefined,
      limit: first + 1,
    });
    return toConnection(
      fetched,
      { first, after },
      {
        cursor: ACTION_CURSOR,
        position: (row) => ({ at: row.occurredAt.toISOString(), id: row.id }),
        nodes: async (rows) => {
          const answers = await this.investigation.provenanceOf(caller.scope, [
            ...new Set(rows.map((row) => row.requestId)),
          ]);
          return rows.map((row) => {
            const answer = answers.get(row.requestId);
            const hop = answer?.provenance.hops.find(
              (h) => h.key === recordKey(row.tenant, row.hopId),
            );
            if (!answer || !hop) return null;
            return toHop(hop, new Map(answer.tokens.map((token) => [token.key, token])));
          });
        },
      },
    );
  }
}
