import {
  DRY_RUN_RULES,
  DryRunTally,
  enabledRules,
  type AnomalyPolicy,
  type DryRunRuleCount,
  type DryRunSample,
} from '@app/anomalies';
import type { TenantScope } from '@app/graph';
import {
  PolicyReplayRepository,
  RequestGraphRepository,
  type ReplayCursor,
} from '@app/persistence';
import { Injectable } from '@nestjs/common';

/** A proposed policy: what the request rules read (lifecycle authorities stay as they are). */
export type ProposedPolicy = Omit<AnomalyPolicy, 'lifecycleAuthorities'>;

export interface DryRunQuery {
  policy: ProposedPolicy;
  since: Date;
  until: Date;
  /** The rules enabled under the proposal (all request rules when absent). */
  rules?: readonly string[];
  sampleSize: number;
  /** How long the whole run may read; what is left is reported as not evaluated. */
  budgetMs: number;
}

export interface DryRunReport {
  rules: DryRunRuleCount[];
  samples: DryRunSample[];
  requestsEvaluated: number;
  /** Every request of the window was evaluated (false when the budget ran out first). */
  complete: boolean;
  elapsedMs: number;
}

/** Requests read and judged per page. */
const PAGE_SIZE = 200;

/**
 * Re-judges the requests a scope saw in a time window under a proposed policy and reports
 * what would change against the anomalies open now. Writes nothing: it reads in pages from
 * one read-only snapshot on a connection of its own, within a time budget.
 */
@Injectable()
export class PolicyDryRunService {
  constructor(
    private readonly replay: PolicyReplayRepository,
    private readonly graphs: RequestGraphRepository,
  ) {}

  async run(scope: TenantScope, query: DryRunQuery): Promise<DryRunReport> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const rules = enabledRules(query.rules);
    const visible = (tenant: string, targetTenant: string | null): boolean =>
      scope.kind === 'system' ||
      scope.tenants.includes(tenant) ||
      (targetTenant !== null && scope.tenants.includes(targetTenant));
    // Lifecycle authorities only decide the event rules, which a dry run does not replay.
    const policy: AnomalyPolicy = { ...query.policy, lifecycleAuthorities: {} };
    const tally = new DryRunTally(policy, rules, visible, query.sampleSize);
    const outcome = await this.replay.inSnapshot(query.budgetMs, async (snapshot) => {
      const window = { since: query.since, until: query.until };
      // A request with events in several pages is judged once, on its first.
      const judged = new Set<string>();
      let cursor: ReplayCursor | null = null;
      do {
        if (elapsed() >= query.budgetMs) return false;
        const page = await this.replay.requestPage(snapshot, scope, window, cursor, PAGE_SIZE);
        const ids = page.requestIds.filter((id) => !judged.has(id));
        for (const id of ids) judged.add(id);
        const graphs = await this.graphs.loadForReplay(snapshot, ids);
        const open = await this.replay.openAnomalies(snapshot, scope, ids, DRY_RUN_RULES);
        tally.add(graphs.values(), open);
        cursor = page.next;
      } while (cursor !== null);
      return true;
    });
    return {
      ...tally.report(),
      requestsEvaluated: tally.requests,
      complete: outcome === true,
      elapsedMs: Math.round(elapsed()),
    };
  }
}
