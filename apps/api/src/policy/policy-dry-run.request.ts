import { defaultPolicy } from '@app/anomalies';
import type { DryRunQuery } from '@app/investigation';
import { z } from 'zod';
import { badUserInput } from '../common/user-input.error';
import type { PolicyDryRunArgs } from './dto/policy-dry-run.args';

/** How long one dry run may read before it reports what it has. */
export const DRY_RUN_BUDGET_MS = 10_000;
const ONE_YEAR_S = 366 * 24 * 3600;

const name = z.string().min(1).max(512);
const argsSchema = z
  .object({
    policy: z.object({
      trustedIssuers: z
        .array(z.object({ tenant: name, issuers: z.array(name).max(100) }))
        .max(1000)
        .default([])
        .refine(
          (lists) => new Set(lists.map((list) => list.tenant)).size === lists.length,
          'policy.trustedIssuers names a tenant twice',
        ),
      federation: z
        .array(
          z
            .string()
            .max(1025)
            .regex(/^[^>\s]+>[^>\s]+$/, 'expected from>to pairs'),
        )
        .max(1000)
        .default([]),
      maxDelegationDepth: z.number().int().min(1).max(64),
      maxDelegatedLifetimeSeconds: z.number().int().min(1).max(ONE_YEAR_S),
    }),
    since: z.date(),
    until: z.date(),
    rules: z.array(name).max(50).optional(),
    sampleSize: z.number().int().min(0).max(100).default(10),
  })
  .refine((args) => args.since < args.until, 'since must be before until');

/** The arguments, validated (hostile until then), as the use case's query. */
export function dryRunQuery(args: PolicyDryRunArgs): DryRunQuery {
  const parsed = argsSchema.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // The path and the rule broken, never the value given.
    throw badUserInput(`${issue.path.join('.') || 'arguments'}: ${issue.message}`);
  }
  const { policy, since, until, rules, sampleSize } = parsed.data;
  return {
    policy: {
      maxDelegationDepth: policy.maxDelegationDepth,
      maxDelegatedLifetimeMs: policy.maxDelegatedLifetimeSeconds * 1000,
      federation: new Set(policy.federation),
      trustedIssuers: new Map(
        policy.trustedIssuers.map((list) => [list.tenant, new Set(list.issuers)]),
      ),
      // Not part of a proposal: how long a hop may wait for its parent is not policy.
      untrackedHopGraceMs: defaultPolicy().untrackedHopGraceMs,
    },
    since,
    until,
    rules,
    sampleSize,
    budgetMs: DRY_RUN_BUDGET_MS,
  };
}
