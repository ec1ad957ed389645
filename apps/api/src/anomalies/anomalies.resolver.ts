import { Roles, type Caller } from '@app/auth';
import { InvestigationService } from '@app/investigation';
import type { StoredAnomaly } from '@app/persistence';
import { Args, Query, Resolver, Subscription } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { pageCost } from '../common/front-door.rules';
import { toConnection } from '../common/paging/connection.mapper';
import { cursorKind, decodeCursor, isBigintId } from '../common/paging/cursor.codec';
import { pageSize } from '../common/paging/page.args';
import { AnomalyFeedService } from './anomaly-feed.service';
import { FEED_CURSOR, toAnomaly } from './anomaly.mapper';
import { AnomaliesArgs } from './dto/anomalies.args';
import { AnomalyDetectedArgs } from './dto/anomaly-detected.args';
import { Anomaly, AnomalyConnection } from './models/anomaly.model';

/** The list is newest first: a page continues below the last anomaly's id. */
const ANOMALY_CURSOR = cursorKind('anomaly', isBigintId);

@Resolver(() => Anomaly)
export class AnomaliesResolver {
  constructor(
    private readonly investigation: InvestigationService,
    private readonly feed: AnomalyFeedService,
  ) {}

  @Query(() => AnomalyConnection, {
    description: 'Visible anomalies, newest first.',
    complexity: pageCost(2),
  })
  @Roles('dashboard', 'investigator')
  async anomalies(
    @CurrentCaller() caller: Caller,
    @Args() { filter, ...page }: AnomaliesArgs,
  ): Promise<AnomalyConnection> {
    const first = pageSize(page.first);
    const after = decodeCursor(ANOMALY_CURSOR, page.after);
    const fetched = await this.investigation.anomalyPage(caller.scope, {
      rules: filter?.rules,
      minSeverity: filter?.minSeverity,
      requestId: filter?.requestId,
      since: filter?.since,
      until: filter?.until,
      suppressed: filter?.suppressed ?? undefined,
      beforeId: after,
      limit: first + 1,
    });
    return toConnection(
      fetched,
      { first, after },
      { cursor: ANOMALY_CURSOR, position: (row) => row.id, nodes: (rows) => rows.map(toAnomaly) },
    );
  }

  @Subscription(() => Anomaly, {
    description:
      "Anomalies as they are published, for the caller's tenants, each exactly once and in feed order. Pass the `feedCursor` of the last anomaly received as `after` to resume: what was published meanwhile comes first.",
    resolve: (payload: StoredAnomaly) => toAnomaly(payload),
  })
  @Roles('dashboard')
  anomalyDetected(
    @CurrentCaller() caller: Caller,
    @Args() { minSeverity, after, includeSuppressed }: AnomalyDetectedArgs,
  ): AsyncIterator<StoredAnomaly> {
    return this.feed.subscribe({
      scope: caller.scope,
      minSeverity,
      includeSuppressed: includeSuppressed ?? false,
      after: decodeCursor(FEED_CURSOR, after),
    });
  }
}
