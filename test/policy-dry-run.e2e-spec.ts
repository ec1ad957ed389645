import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { expectEventually } from './support/eventually';
import { devToken, graphql } from './support/graphql-client';
import { createTopics, testKafka, testPool, uniqueSuffix } from './support/infra';
import { loadScenario, scenarioPolicyEnv, type Scenario } from './support/scenarios';
import { startService, stopGracefully, type IngestorProcess } from './support/service-process';

const DRY_RUN = `query DryRun($policy: PolicyInput!, $since: DateTime!, $until: DateTime!, $rules: [String!], $sampleSize: Int) {
  policyDryRun(policy: $policy, since: $since, until: $until, rules: $rules, sampleSize: $sampleSize) {
    rules { rule wouldFire wouldWithdraw }
    samples { change requestId rule summary }
    requestsEvaluated complete elapsedMs
  }
}`;

// Stories of the corpus: three untrusted issuers at hooli and one trusted look-alike, and
// chains of one, two, six and seven delegates.
const STORIES = [
  'staging-sts-token-in-production',
  'lookalike-issuer-on-export-worker',
  'legacy-sts-on-the-mail-tool',
  'regional-sts-on-the-trust-list',
  'crm-agent-read',
  'six-delegates-at-the-limit',
  'orchestrator-with-seven-delegates',
];

describe('policy dry run', () => {
  const topic = `delegation-events-${uniqueSuffix()}`;
  const run = uniqueSuffix();
  const policyEnv = scenarioPolicyEnv([run]);
  const env = { KAFKA_TOPIC: topic, KAFKA_GROUP_ID: `ingestor-${topic}`, ...policyEnv };
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  let ingestor: IngestorProcess;
  let api: IngestorProcess;
  const scenarios = new Map<string, Scenario>();

  // The policy the ingestor runs, as a PolicyInput.
  const current = {
    trustedIssuers: Object.entries(
      JSON.parse(policyEnv.POLICY_TRUSTED_ISSUERS) as Record<string, string[]>,
    ).map(([tenant, issuers]) => ({ tenant, issuers })),
    federation: policyEnv.POLICY_FEDERATION.split(','),
    maxDelegationDepth: 6,
    maxDelegatedLifetimeSeconds: 86400,
  };
  const window = { since: '2026-11-01T00:00:00Z', until: '2026-12-01T00:00:00Z' };
  const admin = () =>
    devToken([`acme-${run}`, `hooli-${run}`], ['admin']).then((t) => `Bearer ${t}`);
  const counts = async () =>
    (
      await pool.query<{ anomalies: string; changes: string; versions: string }>(
        `SELECT (SELECT count(*) FROM anomalies) AS anomalies,
                (SELECT count(*) FROM anomaly_changes) AS changes,
                (SELECT sum(version) FROM anomalies) AS versions`,
      )
    ).rows[0];

  beforeAll(async () => {
    kafka = testKafka();
    pool = testPool();
    await createTopics(kafka, [topic, `${topic}.dlq`]);
    producer = kafka.producer();
    await producer.connect();
    [ingestor, api] = await Promise.all([startService('ingestor', env), startService('api', env)]);
    for (const name of STORIES) scenarios.set(name, loadScenario(name, run));
    await producer.send({
      topic,
      messages: [...scenarios.values()].flatMap((scenario) =>
        scenario.events.map((event) => ({
          key: scenario.requestId,
          value: JSON.stringify(event),
          headers: { 'content-type': 'application/cloudevents+json' },
        })),
      ),
    });
    const total = [...scenarios.values()].reduce((sum, s) => sum + s.events.length, 0);
    await expectEventually(async () => {
      const { rows } = await pool.query<{ count: string }>(
        'SELECT count(*) FROM events WHERE topic = $1',
        [topic],
      );
      expect(Number(rows[0].count)).toBe(total);
    });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await pool?.end();
    await stopGracefully(api, ingestor);
  });

  const dryRun = async (policy: typeof current, extra: Record<string, unknown> = {}) => {
    const { data, errors } = await graphql(
      api.port,
      DRY_RUN,
      { policy, ...window, ...extra },
      await admin(),
    );
    expect(errors).toBeUndefined();
    return data!.policyDryRun as {
      rules: Array<{ rule: string; wouldFire: number; wouldWithdraw: number }>;
      samples: Array<{ change: string; requestId: string; rule: string; summary: string }>;
      requestsEvaluated: number;
      complete: boolean;
      elapsedMs: number;
    };
  };
  const requestOf = (name: string) => scenarios.get(name)!.requestId;

  it('changes nothing under the policy in force', async () => {
    const report = await dryRun(current);
    expect(report).toMatchObject({ rules: [], samples: [], complete: true });
    expect(report.requestsEvaluated).toBe(STORIES.length);
    expect(report.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  it('shows the untrusted-issuer anomalies withdrawn when the proposal trusts those issuers', async () => {
    const trusting = {
      ...current,
      trustedIssuers: current.trustedIssuers.map(({ tenant, issuers }) => ({
        tenant,
        issuers: [
          ...issuers,
          'https://sts.staging.hooli.example',
          'https://sts-legacy.hooli.example',
          'https://login.hooli.example.attacker.test',
        ],
      })),
    };
    const report = await dryRun(trusting, { sampleSize: 2 });
    expect(report.rules).toEqual([{ rule: 'UNTRUSTED_ISSUER', wouldFire: 0, wouldWithdraw: 3 }]);
    expect(report.samples).toHaveLength(2);
    for (const sample of report.samples) {
      expect(sample).toMatchObject({ change: 'WITHDRAW', rule: 'UNTRUSTED_ISSUER' });
      expect([
        requestOf('staging-sts-token-in-production'),
        requestOf('lookalike-issuer-on-export-worker'),
        requestOf('legacy-sts-on-the-mail-tool'),
      ]).toContain(sample.requestId);
    }
  });

  it('shows DELEGATION_DEPTH firing under a lower maximum depth, and only what is new', async () => {
    const report = await dryRun({ ...current, maxDelegationDepth: 3 });
    // Six delegates now exceed it; seven already did (open now, so nothing new); two do not.
    expect(report.rules).toEqual([{ rule: 'DELEGATION_DEPTH', wouldFire: 1, wouldWithdraw: 0 }]);
    expect(report.samples).toEqual([
      expect.objectContaining({
        change: 'FIRE',
        rule: 'DELEGATION_DEPTH',
        requestId: requestOf('six-delegates-at-the-limit'),
      }),
    ]);
  });

  it('withdraws what a rule left out of the proposal found, and sees only the window', async () => {
    const disabled = await dryRun(current, { rules: ['DELEGATION_DEPTH'] });
    expect(disabled.rules).toEqual([{ rule: 'UNTRUSTED_ISSUER', wouldFire: 0, wouldWithdraw: 3 }]);
    const later = await dryRun(current, {
      since: '2026-12-01T00:00:00Z',
      until: '2026-12-02T00:00:00Z',
      rules: [],
    });
    expect(later).toMatchObject({ rules: [], requestsEvaluated: 0, complete: true });
  });

  it('writes nothing', async () => {
    const before = await counts();
    await dryRun({ ...current, maxDelegationDepth: 1, trustedIssuers: [] });
    expect(await counts()).toEqual(before);
  });

  it('is for admins only, and refuses bad arguments without quoting them', async () => {
    const investigator = `Bearer ${await devToken([`acme-${run}`], ['investigator', 'dashboard'])}`;
    const refused = await graphql(api.port, DRY_RUN, { policy: current, ...window }, investigator);
    expect(refused.data?.policyDryRun ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBeDefined();
    const cases: Array<Record<string, unknown>> = [
      { policy: current, since: window.until, until: window.since },
      { policy: { ...current, federation: ['acme without arrow'] }, ...window },
      { policy: { ...current, maxDelegationDepth: 0 }, ...window },
      { policy: current, ...window, rules: ['NOT_A_RULE_NAME'] },
      { policy: current, ...window, sampleSize: 1000 },
    ];
    for (const variables of cases) {
      const answer = await graphql(api.port, DRY_RUN, variables, await admin());
      expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(answer.errors?.[0]?.message).not.toMatch(/without arrow|NOT_A_RULE_NAME/);
    }
  });
});
