import { Roles, type Caller } from '@app/auth';
import { InvestigationService } from '@app/investigation';
import { AnomalyRepository, type StoredAnomaly } from '@app/persistence';
import { Args, Int, Query, Resolver, Subscription } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/current-caller.decorator';
import type { GraphqlContext } from '../auth/graphql-context';
import { AnomalyFeed } from './anomaly-feed.service';
import { decodeCursor, encodeCursor, pageSize } from './cursor';
import { toAnomaly } from './mappers';
import { Anomaly, AnomalyConnection, AnomalyFilter } from './models/anomaly.model';
import { Severity } from './models/enums';

const SEVERITY_RANK: Record<Severity, number> = { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 };
const isId = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{1,19}$/.test(value);

@Resolver(() => Anomaly)
export class AnomalyResolver {
  constructor(
    private readonly investigation: InvestigationService,
    private readonly feed: AnomalyFeed,
  ) {}

  @Query(() => AnomalyConnection, { description: 'Visible anomalies, newest first.' })
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
      beforeId: decodeCursor('anomaly', after, isId),
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
    description: "Anomalies as they are detected, for the caller's tenants.",
    filter: (
      payload: { anomalyDetected: StoredAnomaly },
      variables: { minSeverity?: Severity },
      context: GraphqlContext,
    ) => {
      const anomaly = payload.anomalyDetected;
      const caller = context.caller ?? context.req?.caller;
      if (!caller || !AnomalyRepository.visibleTo(caller.scope, anomaly)) return false;
      return (
        !variables.minSeverity ||
        SEVERITY_RANK[anomaly.severity as Severity] >= SEVERITY_RANK[variables.minSeverity]
      );
    },
    resolve: (payload: { anomalyDetected: StoredAnomaly }) => toAnomaly(payload.anomalyDetected),
  })
  @Roles('dashboard')
  anomalyDetected(
    @Args('minSeverity', { type: () => Severity, nullable: true }) _minSeverity?: Severity,
  ): AsyncIterator<unknown> {
    return this.feed.iterator();
  }
}
