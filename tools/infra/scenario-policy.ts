// The anomaly policy the stories in test/scenarios are written against: which tenants are
// federated, which issuers one tenant trusts, who may revoke or offboard for whom. The demo
// and the tests give it to the ingestor, for every `{run}` they replay the stories under.
// Depth and lifetime stay at the defaults (6 delegates, one day): the stories at those
// limits are written against them.

/** Tenant pairs `from>to` allowed to delegate across (POLICY_FEDERATION). */
const FEDERATION = [
  ['acme', 'acme-eu'],
  ['hooli', 'umbrella'],
] as const;

/** The only tenant with a trust list (POLICY_TRUSTED_ISSUERS). */
const TRUSTED_ISSUERS = {
  hooli: [
    'https://login.hooli.example',
    'https://sts.hooli.example',
    'https://sts.eu.hooli.example',
    'https://agents.hooli.example',
    'spiffe://hooli.example',
  ],
} as const;

/** Tenants trusted to revoke and offboard for another (LIFECYCLE_AUTHORITIES): owner → who. */
const LIFECYCLE_AUTHORITIES = { 'acme-eu': ['acme'] } as const;

/** The ingestor's environment for the stories replayed under each of `runs`. */
export function scenarioPolicyEnv(runs: readonly string[]): Record<string, string> {
  const tenant = (name: string, run: string) => `${name}-${run}`;
  const perRun = <V>(
    entries: ReadonlyArray<readonly [string, V]>,
    run: string,
    map: (v: V) => unknown,
  ) => entries.map(([name, value]) => [tenant(name, run), map(value)] as const);
  return {
    POLICY_FEDERATION: runs
      .flatMap((run) => FEDERATION.map(([from, to]) => `${tenant(from, run)}>${tenant(to, run)}`))
      .join(','),
    POLICY_TRUSTED_ISSUERS: JSON.stringify(
      Object.fromEntries(
        runs.flatMap((run) => perRun(Object.entries(TRUSTED_ISSUERS), run, (issuers) => issuers)),
      ),
    ),
    LIFECYCLE_AUTHORITIES: JSON.stringify(
      Object.fromEntries(
        runs.flatMap((run) =>
          perRun(Object.entries(LIFECYCLE_AUTHORITIES), run, (who) =>
            who.map((name) => tenant(name, run)),
          ),
        ),
      ),
    ),
  };
}
