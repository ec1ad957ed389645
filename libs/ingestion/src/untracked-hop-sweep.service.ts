import type { AnomalyPolicy } from '@app/anomalies';
import {
  DatabaseService,
  EventStoreRepository,
  HopParentWaitRepository,
  RequestGraphRepository,
  type StoredAnomaly,
} from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { judgeRequests, REQUEST_RULE_NAMES } from './request-judging';

export interface SweepResult {
  /** Requests judged again because a hop of theirs waited out its grace. */
  judged: number;
  /** Anomalies raised, reopened or withdrawn, queued for publishing. */
  anomalies: StoredAnomaly[];
}

/**
 * The use case behind UNTRACKED_HOP's grace period: takes the hops whose parent has not
 * arrived within `policy.untrackedHopGraceMs` and judges their requests again, exactly as a
 * batch would (the verdict comes from the stored facts and the clock, not from the wait),
 * in one transaction with the claim. Any number of ingestors may sweep at once: each wait is
 * claimed by one of them, and the per-request judging lock orders their verdicts.
 */
@Injectable()
export class UntrackedHopSweepService {
  constructor(
    private readonly database: DatabaseService,
    private readonly waits: HopParentWaitRepository,
    private readonly graphs: RequestGraphRepository,
    private readonly store: EventStoreRepository,
  ) {}

  /** One pass over at most `limit` due waits. */
  async sweep(policy: AnomalyPolicy, limit: number): Promise<SweepResult> {
    return this.database.transaction(async (tx) => {
      const requestIds = await this.waits.claimDue(tx, policy.untrackedHopGraceMs, limit);
      if (requestIds.length === 0) return { judged: 0, anomalies: [] };
      const judged = await judgeRequests(this.graphs, tx, requestIds, policy);
      const anomalies = await this.store.recordVerdicts(tx, {
        ...judged,
        rules: REQUEST_RULE_NAMES,
      });
      return { judged: requestIds.length, anomalies };
    });
  }
}
