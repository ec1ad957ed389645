import { Roles, type Caller } from '@app/auth';
import { TriageService } from '@app/triage';
import type { AnomalyChangeRecord } from '@app/persistence';
import { Args, Context, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { BatchLoader, loaderFor } from '../common/batch-loader';
import { isBigintId } from '../common/paging/cursor.codec';
import { refusingBadInput } from '../common/user-input.error';
import { toAnomaly } from './anomaly.mapper';
import { AnomalyChange, TriageDecision } from './models/anomaly-change.model';
import { Anomaly } from './models/anomaly.model';

/** An analyst's work on an anomaly: triage, and the history every change leaves. */
@Resolver(() => Anomaly)
export class AnomalyTriageResolver {
  private readonly histories = new WeakMap<object, BatchLoader<string, AnomalyChangeRecord[]>>();

  constructor(private readonly triage: TriageService) {}

  @Mutation(() => Anomaly, {
    nullable: true,
    description:
      "Takes an anomaly the caller sees to a triage state, recorded with the caller's `sub`, the time and the note, as a new version: published like any change (the anomaly topic, `anomalyDetected`, the export). Null when the caller may not see it; unchanged when it already is in that state.",
  })
  @Roles('investigator')
  async triageAnomaly(
    @CurrentCaller() caller: Caller,
    @Args('id', { type: () => ID }) id: string,
    @Args('triage', { type: () => TriageDecision }) triage: TriageDecision,
    @Args('note', { type: () => String, nullable: true }) note?: string | null,
  ): Promise<Anomaly | null> {
    if (!isBigintId(id)) return null;
    const changed = await refusingBadInput(() =>
      this.triage.triage(caller.scope, caller.sub, id, triage, note ?? null),
    );
    return changed && toAnomaly(changed);
  }

  @ResolveField(() => [AnomalyChange], {
    description: 'Every version of the anomaly, oldest first.',
    complexity: 2,
  })
  async history(
    @Parent() anomaly: Anomaly,
    @CurrentCaller() caller: Caller,
    @Context() context: object,
  ): Promise<AnomalyChange[]> {
    // The context belongs to one caller: its scope is the same for the whole batch.
    const loader = loaderFor(
      this.histories,
      context,
      () => new BatchLoader((ids: string[]) => this.triage.history(caller.scope, ids)),
    );
    return ((await loader.load(anomaly.id)) ?? []).map((entry) => ({
      version: entry.version,
      change: entry.change,
      actor: entry.actor,
      reason: entry.reason,
      suppressionId: entry.suppressionId,
      at: entry.at,
    }));
  }
}
