import { Roles, type Caller } from '@app/auth';
import { InvestigationService } from '@app/investigation';
import type { StoredAnomaly } from '@app/persistence';
import { Args, Int, Query, Resolver, Subscription } from '@nestjs/graphql';
import { pageCost } from './front-door';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { AnomalyFeed } from './anomaly-feed.service';
import { decodeCursor, encodeCursor, isBigintId, pageSize } from './cursor';
import { FEED_CURSOR, toAnomaly } from './mappers';
import { Anomaly, AnomalyConnection, AnomalyFilter } from './models/anomaly.model';
import { Severity } from './models/enums';

@Resolver(() => Anomaly)
export class AnomalyResolver {
  constructor(
    private readonly investigation: InvestigationService,
    private readonly feed: AnomalyFeed,
  ) {}

  @Query(() => AnomalyConnection, {
    description: 'Visible anomalies, newest first.',
    complexity: pageCost(2),
  })
  @Roles('dashboard', 'investigator')
  async anomalies(
    @CurrentCaller() caller: Caller,
    @Args('filter', { type: () => AnomalyFilter, nullable: true }) filter?: AnomalyFilter,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<AnomalyConnection> {
    const limit = pageSize(first);
    const rows = await this.investigation.anomalyPage(caller.scope, {
      rules: filter?.rules,
      minSeverity: filter?.minSeverity,
      requestId: filter?.requestId,
      since: filter?.since,
      until: filter?.until,
      beforeId: decodeCursor('anomaly', after, isBigintId),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const edges = page.map((row) => ({
      cursor: encodeCursor('anomaly', row.id),
      node: toAnomaly(row),
    }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > limit,
        hasPreviousPage: after !== undefined && after !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }

  @Subscription(() => Anomaly, {
    description:
      "Anomalies as they are published, for the caller's tenants, each exactly once and in feed order. Pass the `feedCursor` of the last anomaly received as `after` to resume: what was published meanwhile comes first.",
    resolve: (payload: StoredAnomaly) => toAnomaly(payload),
  })
  @Roles('dashboard')
  anomalyDetected(
    @CurrentCaller() caller: Caller,
    @Args('minSeverity', { type: () => Severity, nullable: true }) minSeverity?: Severity,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): AsyncIterator<StoredAnomaly> {
    return this.feed.subscribe({
      scope: caller.scope,
      minSeverity,
      after: decodeCursor(FEED_CURSOR, after, isBigintId),
    });
  }
}
