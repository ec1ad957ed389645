import { Roles, type Caller } from '@app/auth';
import { InvestigationService, SearchService, type ProvenanceAnswer } from '@app/investigation';
import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { BatchLoader, loaderFor } from '../common/batch-loader';
import { pageCost } from '../common/front-door.rules';
import { toConnection } from '../common/paging/connection.mapper';
import { cursorKind, decodeCursor } from '../common/paging/cursor.codec';
import { pageSize } from '../common/paging/page.args';
import { refusingBadInput } from '../common/user-input.error';
import { Principal } from '../principals/models/principal.model';
import { toPrincipal } from '../principals/principal.mapper';
import { RequestsArgs } from './dto/requests.args';
import { RequestConnection, RequestSummary } from './models/request-summary.model';

/** A search page holds at most this many requests (each is summarized from its facts). */
export const MAX_REQUEST_PAGE = 100;

type RequestCursor = { at: string; id: string };
/** Newest first: a page continues below (latest activity, request id). */
const REQUEST_CURSOR = cursorKind(
  'request',
  (value: unknown): value is RequestCursor =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as RequestCursor).at === 'string' &&
    !Number.isNaN(Date.parse((value as RequestCursor).at)) &&
    typeof (value as RequestCursor).id === 'string' &&
    (value as RequestCursor).id.length > 0,
);

/**
 * `requests`: the request search. The list and its summaries are a fixed number of
 * statements per page; `origin` and `complete` reconstruct the page's requests together,
 * only when asked for.
 */
@Resolver(() => RequestSummary)
export class RequestsResolver {
  private readonly provenances = new WeakMap<object, BatchLoader<string, ProvenanceAnswer>>();

  constructor(
    private readonly search: SearchService,
    private readonly investigation: InvestigationService,
  ) {}

  @Query(() => RequestConnection, {
    description: `Requests the caller may see that match the filter, newest first: ordered by each request's latest visible hop or exchange (within the filter's window, when it has one), then by request id, descending. A request is visible through its hops that the caller's tenants reported or that target them, and the exchanges they reported; only those facts are matched, ordered on and summarized. At most ${MAX_REQUEST_PAGE} per page.`,
    // The search's own statements, then a summary per request.
    complexity: pageCost(20),
  })
  @Roles('investigator')
  async requests(
    @CurrentCaller() caller: Caller,
    @Args() { filter, ...page }: RequestsArgs,
  ): Promise<RequestConnection> {
    const first = pageSize(page.first, MAX_REQUEST_PAGE);
    const after = decodeCursor(REQUEST_CURSOR, page.after);
    const fetched = await refusingBadInput(() =>
      this.search.requests(caller.scope, filter, {
        after: after && { at: new Date(after.at), requestId: after.id },
        limit: first + 1,
      }),
    );
    return toConnection(
      fetched,
      { first, after },
      {
        cursor: REQUEST_CURSOR,
        position: (row) => ({ at: row.at.toISOString(), id: row.requestId }),
        nodes: async (rows) => {
          const summaries = await this.search.requestSummaries(
            caller.scope,
            rows.map((row) => row.requestId),
          );
          return rows.map((row) => {
            const summary = summaries.get(row.requestId);
            return summary
              ? {
                  requestId: summary.requestId,
                  firstSeenAt: summary.firstSeenAt,
                  lastSeenAt: summary.lastSeenAt,
                  hopCount: summary.hops,
                  targets: summary.targets,
                  targetCount: summary.targetCount,
                  openAnomalies: summary.openAnomalies,
                  maxSeverity: summary.maxSeverity,
                }
              : null;
          });
        },
      },
    );
  }

  @ResolveField(() => Principal, {
    nullable: true,
    description: 'Whose authority the request carries, as `provenance(requestId).origin`.',
    complexity: ({ childComplexity }) => 3 + childComplexity,
  })
  async origin(
    @Parent() request: RequestSummary,
    @CurrentCaller() caller: Caller,
    @Context() context: object,
  ): Promise<Principal | null> {
    const answer = await this.provenance(request.requestId, caller, context);
    return answer?.provenance.origin ? toPrincipal(answer.provenance.origin) : null;
  }

  @ResolveField(() => Boolean, {
    description:
      'Every hop links back to the origin, with no gap: as `provenance(requestId).complete`.',
    complexity: 3,
  })
  async complete(
    @Parent() request: RequestSummary,
    @CurrentCaller() caller: Caller,
    @Context() context: object,
  ): Promise<boolean> {
    const answer = await this.provenance(request.requestId, caller, context);
    return answer?.provenance.complete ?? false;
  }

  /** The page's reconstructions, in one batch per operation (the same few statements). */
  private provenance(requestId: string, caller: Caller, context: object) {
    // The context belongs to one caller: its scope is the same for the whole batch.
    const loader = loaderFor(
      this.provenances,
      context,
      () => new BatchLoader((ids: string[]) => this.investigation.provenanceOf(caller.scope, ids)),
    );
    return loader.load(requestId);
  }
}
