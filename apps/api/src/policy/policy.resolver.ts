import { DRY_RUN_RULES } from '@app/anomalies';
import { Roles, type Caller } from '@app/auth';
import { PolicyDryRunService } from '@app/investigation';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { badUserInput } from '../common/user-input.error';
import { PolicyDryRunArgs } from './dto/policy-dry-run.args';
import { DryRunReport } from './models/dry-run-report.model';
import { dryRunQuery } from './policy-dry-run.request';

@Resolver(() => DryRunReport)
export class PolicyResolver {
  constructor(private readonly dryRuns: PolicyDryRunService) {}

  @Query(() => DryRunReport, {
    description:
      "Replays the stored requests of the caller's tenants in [since, until) under a proposed policy and reports, per rule, what would newly fire and what would be withdrawn compared with the anomalies open now, with samples. Writes nothing; reads within a time budget (see `complete`). Request rules only: revocation, lifecycle and raw-credential findings do not depend on this policy.",
    complexity: ({ childComplexity }) => 500 + childComplexity,
  })
  @Roles('admin')
  async policyDryRun(
    @CurrentCaller() caller: Caller,
    @Args() args: PolicyDryRunArgs,
  ): Promise<DryRunReport> {
    const query = dryRunQuery(args);
    const unknown = (query.rules ?? []).filter((rule) => !DRY_RUN_RULES.includes(rule));
    if (unknown.length > 0)
      throw badUserInput(`rules: ${unknown.length} name(s) no request rule carries`);
    return this.dryRuns.run(caller.scope, query);
  }
}
