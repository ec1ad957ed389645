import { Roles, type Caller } from '@app/auth';
import { SuppressionService } from '@app/triage';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { pageCost } from '../common/front-door.rules';
import { toConnection } from '../common/paging/connection.mapper';
import { cursorKind, decodeCursor, isBigintId } from '../common/paging/cursor.codec';
import { pageSize } from '../common/paging/page.args';
import { refusingBadInput } from '../common/user-input.error';
import { CreateSuppressionInput } from './dto/create-suppression.input';
import { SuppressionsArgs } from './dto/suppressions.args';
import { CreatedSuppression, Suppression, SuppressionConnection } from './models/suppression.model';
import { toSuppression } from './suppression.mapper';

/** The list is newest first: a page continues below the last suppression's id. */
const SUPPRESSION_CURSOR = cursorKind('suppression', isBigintId);

/** Admins' suppressions, each within the tenants the admin holds. */
@Resolver(() => Suppression)
export class SuppressionsResolver {
  constructor(private readonly service: SuppressionService) {}

  @Mutation(() => CreatedSuppression, {
    description:
      'Silences, from now on, the anomalies of a tenant (pair) that match the conditions: they are stored and exported as usual, marked `suppressedBy`, and not pushed to `anomalyDetected`. With `applyToOpen`, also the open anomalies that already match.',
  })
  @Roles('admin')
  async createSuppression(
    @CurrentCaller() caller: Caller,
    @Args('input', { type: () => CreateSuppressionInput }) input: CreateSuppressionInput,
  ): Promise<CreatedSuppression> {
    const { applyToOpen, ...conditions } = input;
    const created = await refusingBadInput(() =>
      this.service.create(
        caller.scope,
        caller.sub,
        {
          tenant: conditions.tenant,
          targetTenant: conditions.targetTenant ?? null,
          rule: conditions.rule ?? null,
          principalId: conditions.principalId ?? null,
          principalIssuer: conditions.principalIssuer ?? null,
          issuer: conditions.issuer ?? null,
          targetService: conditions.targetService ?? null,
          reason: conditions.reason,
          expiresAt: conditions.expiresAt ?? null,
        },
        applyToOpen === true,
      ),
    );
    return {
      suppression: toSuppression(created.suppression),
      suppressedNow: created.suppressedNow,
    };
  }

  @Mutation(() => Suppression, {
    nullable: true,
    description:
      'Stops a suppression from applying (it is kept, with who revoked it and when); anomalies it silenced stay so. Null when the caller does not see it.',
  })
  @Roles('admin')
  async revokeSuppression(
    @CurrentCaller() caller: Caller,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Suppression | null> {
    if (!isBigintId(id)) return null;
    const revoked = await this.service.revoke(caller.scope, caller.sub, id);
    return revoked && toSuppression(revoked);
  }

  @Query(() => SuppressionConnection, {
    description: "The caller's tenants' suppressions, newest first.",
    complexity: pageCost(1),
  })
  @Roles('admin')
  async suppressions(
    @CurrentCaller() caller: Caller,
    @Args() { includeInactive, ...page }: SuppressionsArgs,
  ): Promise<SuppressionConnection> {
    const first = pageSize(page.first);
    const after = decodeCursor(SUPPRESSION_CURSOR, page.after);
    const fetched = await this.service.list(caller.scope, {
      includeInactive: includeInactive === true,
      beforeId: after,
      limit: first + 1,
    });
    return toConnection(
      fetched,
      { first, after },
      {
        cursor: SUPPRESSION_CURSOR,
        position: (row) => row.id,
        nodes: (rows) => rows.map((row) => toSuppression(row)),
      },
    );
  }
}
