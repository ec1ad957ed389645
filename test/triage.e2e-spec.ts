import { ANOMALY_UPDATED, anomalyEventSchema } from '@app/contract';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { expectEventually } from './support/eventually';
import { subscribeFeed, type Feed } from './support/feed-client';
import { devToken, graphql } from './support/graphql-client';
import {
  collectTopic,
  createTopics,
  testKafka,
  testPool,
  uniqueSuffix,
  type ConsumedMessage,
} from './support/infra';
import { startService, stopGracefully, type IngestorProcess } from './support/service-process';
import {
  audienceMismatch,
  scopeEscalation,
  useAfterRevocation,
  type TestEvent,
} from './support/triage-events';

// Analysts working the queue over the real processes: triage is a change like a verdict
// (history, anomaly topic, live feed, export); suppressions keep known anomalies off the
// dashboards without losing them; each tenant's analysts and admins act on their own only.

const FEED = `subscription ($include: Boolean) {
  anomalyDetected(includeSuppressed: $include) { id rule version triage suppressedBy }
}`;
const TRIAGE = `mutation ($id: ID!, $triage: TriageDecision!, $note: String) {
  triageAnomaly(id: $id, triage: $triage, note: $note) { id triage version }
}`;
const ANOMALY = `query ($requestId: ID!, $suppressed: Boolean) {
  anomalies(filter: { requestId: $requestId, suppressed: $suppressed }) {
    edges { node {
      id rule version triage suppressedBy
      history { version change actor reason suppressionId at }
      details { hopId offendingToken parentToken principal principalIssuer issuer targetService
                tokenAudience addedScopes revoked revokedAt raw }
    } }
  }
}`;
const CREATE = `mutation ($input: CreateSuppressionInput!) {
  createSuppression(input: $input) { suppressedNow suppression { id tenant active createdBy } }
}`;
const LIST = `query ($all: Boolean) {
  suppressions(includeInactive: $all) { edges { node { id active revokedBy revokedAt } } }
}`;
const REVOKE = `mutation ($id: ID!) { revokeSuppression(id: $id) { id active revokedBy } }`;

interface FeedAnomaly {
  id: string;
  rule: string;
  version: number;
  triage: string;
  suppressedBy: string | null;
}

interface AnomalyNode extends FeedAnomaly {
  history: Array<{
    version: number;
    change: string;
    actor: string | null;
    reason: string | null;
    suppressionId: string | null;
  }>;
  details: Record<string, unknown>;
}

describe('triage and suppressions of anomalies', () => {
  const topic = `triage-${uniqueSuffix()}`;
  const anomalyTopic = `${topic}-anomalies`;
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  let onTopic: { messages: ConsumedMessage[]; stop: () => Promise<void> };
  let ingestor: IngestorProcess | undefined;
  let api: IngestorProcess | undefined;
  const feeds: Array<Feed<FeedAnomaly>> = [];

  const auth = async (tenants: string[], role: string) =>
    `Bearer ${await devToken(tenants, [role])}`;
  const ask = async (query: string, variables: Record<string, unknown>, authorization: string) =>
    graphql(api!.port, query, variables, authorization);

  const send = async (events: TestEvent[]) => {
    await producer.send({
      topic,
      messages: events.map((event) => ({
        key: typeof event.data.requestId === 'string' ? event.data.requestId : event.id,
        value: JSON.stringify(event),
        headers: { 'content-type': 'application/cloudevents+json' },
      })),
    });
  };

  /** The request's one anomaly of `rule`, once stored and published (in the feed). */
  const publishedAnomaly = (requestId: string, rule: string) =>
    expectEventually(async () => {
      const { rows } = await pool.query<{ id: string; seq: string | null }>(
        'SELECT id::text, feed_seq::text AS seq FROM anomalies WHERE request_id = $1 AND rule = $2',
        [requestId, rule],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].seq).not.toBeNull();
      return rows[0].id;
    });

  const anomalyOf = async (tenant: string, requestId: string, suppressed?: boolean) => {
    const answer = await ask(
      ANOMALY,
      { requestId, suppressed: suppressed ?? null },
      await auth([tenant], 'investigator'),
    );
    expect(answer.errors).toBeUndefined();
    return (answer.data!.anomalies.edges as Array<{ node: AnomalyNode }>).map((e) => e.node);
  };

  const exported = async (tenant: string) => {
    const response = await fetch(
      `http://127.0.0.1:${api!.port}/v1/export/anomalies?format=ndjson&limit=1000`,
      { headers: { authorization: await auth([tenant], 'siem') } },
    );
    expect(response.status).toBe(200);
    return (await response.text())
      .split('\n')
      .filter(Boolean)
      .map((line) => anomalyEventSchema.parse(JSON.parse(line)));
  };

  const watch = async (tenants: string[], includeSuppressed = false) => {
    const feed = await subscribeFeed<FeedAnomaly>(api!.port, tenants, FEED, {
      include: includeSuppressed,
    });
    feeds.push(feed);
    return feed;
  };

  beforeAll(async () => {
    kafka = testKafka();
    pool = testPool();
    await createTopics(kafka, [topic, `${topic}.dlq`, anomalyTopic]);
    producer = kafka.producer();
    await producer.connect();
    onTopic = await collectTopic(kafka, anomalyTopic);
    const env = {
      KAFKA_TOPIC: topic,
      KAFKA_ANOMALY_TOPIC: anomalyTopic,
      KAFKA_GROUP_ID: `ingestor-${topic}`,
      OUTBOX_POLL_MS: '200',
    };
    [ingestor, api] = await Promise.all([startService('ingestor', env), startService('api', env)]);
  });

  afterEach(async () => {
    for (const feed of feeds.splice(0)) {
      expect(feed.errors).toEqual([]);
      await feed.close();
    }
  });

  afterAll(async () => {
    await onTopic?.stop();
    await producer?.disconnect();
    await pool?.end();
    await stopGracefully(api, ingestor);
  });

  it('records a triage as a new version: in the history, on the topic, in the live feed and in the export', async () => {
    const run = uniqueSuffix();
    const acme = `acme-${run}`;
    const requestId = `req-triage-${run}`;
    const dashboard = await watch([acme]);
    await send([audienceMismatch(acme, requestId)]);
    const id = await publishedAnomaly(requestId, 'AUDIENCE_MISMATCH');
    await expectEventually(() => expect(dashboard.received.map((a) => a.id)).toEqual([id]));

    const investigator = await auth([acme], 'investigator');
    const triaged = await ask(
      TRIAGE,
      { id, triage: 'ACKNOWLEDGED', note: 'looking into it' },
      investigator,
    );
    expect(triaged.errors).toBeUndefined();
    expect(triaged.data!.triageAnomaly).toEqual({ id, triage: 'ACKNOWLEDGED', version: 2 });
    // The same decision again changes nothing.
    const again = await ask(TRIAGE, { id, triage: 'ACKNOWLEDGED' }, investigator);
    expect(again.data!.triageAnomaly).toEqual({ id, triage: 'ACKNOWLEDGED', version: 2 });

    const [node] = await anomalyOf(acme, requestId);
    expect(node.history).toEqual([
      expect.objectContaining({ version: 1, change: 'DETECTED', actor: null }),
      expect.objectContaining({
        version: 2,
        change: 'ACKNOWLEDGED',
        actor: 'test-user',
        reason: 'looking into it',
      }),
    ]);
    await expectEventually(() =>
      expect(dashboard.received.map((a) => [a.id, a.version, a.triage])).toEqual([
        [id, 1, 'NEW'],
        [id, 2, 'ACKNOWLEDGED'],
      ]),
    );
    await expectEventually(() => {
      const updates = onTopic.messages
        .map((message) => anomalyEventSchema.parse(JSON.parse(message.value!.toString('utf8'))))
        .filter((event) => event.data.id === id && event.type === ANOMALY_UPDATED);
      expect(updates.map((event) => [event.id, event.data.triage])).toEqual([
        [`${id}.2`, 'ACKNOWLEDGED'],
      ]);
    });
    const lines = await exported(acme);
    expect(lines.filter((event) => event.data.id === id).map((e) => e.data.version)).toEqual([2]);
    expect(lines.find((event) => event.data.id === id)!.data.triage).toBe('ACKNOWLEDGED');
  });

  it("lets no other tenant's investigator triage or read an anomaly, nor its admin suppress it", async () => {
    const run = uniqueSuffix();
    const [acme, globex] = [`acme-${run}`, `globex-${run}`];
    const requestId = `req-foreign-${run}`;
    await send([audienceMismatch(acme, requestId)]);
    const id = await publishedAnomaly(requestId, 'AUDIENCE_MISMATCH');

    const outsider = await auth([globex], 'investigator');
    const triage = await ask(TRIAGE, { id, triage: 'RESOLVED', note: 'not ours' }, outsider);
    expect(triage.errors).toBeUndefined();
    expect(triage.data!.triageAnomaly).toBeNull();
    expect(await anomalyOf(globex, requestId)).toEqual([]);
    const provenance = await ask(
      'query ($r: ID!) { provenance(requestId: $r) { requestId anomalies { id } } }',
      { r: requestId },
      outsider,
    );
    expect(provenance.data!.provenance).toBeNull();

    const admin = await auth([globex], 'admin');
    for (const input of [
      { tenant: acme, rule: 'AUDIENCE_MISMATCH', reason: 'hide it' },
      { tenant: globex, targetTenant: acme, rule: 'AUDIENCE_MISMATCH', reason: 'hide it' },
    ]) {
      const refused = await ask(CREATE, { input }, admin);
      expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    // Its own tenant's suppression, applied to open anomalies, reaches none of acme's.
    const own = await ask(
      CREATE,
      { input: { tenant: globex, rule: 'AUDIENCE_MISMATCH', reason: 'ours', applyToOpen: true } },
      admin,
    );
    expect(own.data!.createSuppression.suppressedNow).toBe(0);

    const [node] = await anomalyOf(acme, requestId);
    expect(node).toMatchObject({ id, triage: 'NEW', version: 1, suppressedBy: null });
    expect(node.history.map((entry) => entry.change)).toEqual(['DETECTED']);
  });

  it('refuses an unstorable or overlong note, or a suppression without a reason', async () => {
    const run = uniqueSuffix();
    const acme = `acme-${run}`;
    const requestId = `req-note-${run}`;
    await send([audienceMismatch(acme, requestId)]);
    const id = await publishedAnomaly(requestId, 'AUDIENCE_MISMATCH');
    const investigator = await auth([acme], 'investigator');
    for (const note of ['x'.repeat(2001), 'bad \ud800 text']) {
      const refused = await ask(TRIAGE, { id, triage: 'RESOLVED', note }, investigator);
      expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.message).not.toContain(note);
    }
    const noReason = await ask(
      CREATE,
      { input: { tenant: acme, rule: 'AUDIENCE_MISMATCH', reason: '  ' } },
      await auth([acme], 'admin'),
    );
    expect(noReason.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await anomalyOf(acme, requestId))[0].version).toBe(1);
  });

  it('stores a suppressed anomaly, exports it, and keeps it off the dashboards unless asked', async () => {
    const run = uniqueSuffix();
    const [acme, globex] = [`acme-${run}`, `globex-${run}`];
    const admin = await auth([acme], 'admin');
    const created = await ask(
      CREATE,
      {
        input: {
          tenant: acme,
          rule: 'AUDIENCE_MISMATCH',
          principalId: 'agent:report-bot',
          targetService: 'billing-api',
          reason: 'the report bot is known to call billing with its CRM token',
        },
      },
      admin,
    );
    expect(created.errors).toBeUndefined();
    const suppression = created.data!.createSuppression.suppression as { id: string };
    expect(created.data!.createSuppression.suppression).toMatchObject({
      tenant: acme,
      active: true,
      createdBy: 'test-user',
    });

    const quiet = await watch([acme]);
    const everything = await watch([acme], true);
    const silenced = `req-silenced-${run}`;
    await send([audienceMismatch(acme, silenced)]);
    const silencedId = await publishedAnomaly(silenced, 'AUDIENCE_MISMATCH');
    // Another principal's call is no match: it is alerted on, after the silenced one.
    const loud = `req-loud-${run}`;
    await send([audienceMismatch(acme, loud, 'agent:other-bot')]);
    const loudId = await publishedAnomaly(loud, 'AUDIENCE_MISMATCH');
    await expectEventually(() => {
      expect(everything.received.map((a) => a.id)).toEqual([silencedId, loudId]);
      expect(quiet.received.map((a) => a.id)).toEqual([loudId]);
    });
    expect(everything.received[0].suppressedBy).toBe(suppression.id);

    const [node] = await anomalyOf(acme, silenced, true);
    expect(node).toMatchObject({ id: silencedId, suppressedBy: suppression.id, version: 1 });
    expect(node.history).toEqual([
      expect.objectContaining({ change: 'DETECTED', suppressionId: suppression.id }),
    ]);
    expect(await anomalyOf(acme, silenced, false)).toEqual([]);
    expect((await anomalyOf(acme, loud, false))[0].suppressedBy).toBeNull();
    const lines = await exported(acme);
    expect(lines.find((event) => event.data.id === silencedId)?.data.suppressedBy).toBe(
      suppression.id,
    );

    // Listed for acme's admins only; another tenant's admin can neither see nor revoke it.
    const listed = await ask(LIST, {}, admin);
    expect(listed.data!.suppressions.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(
      [suppression.id],
    );
    const outsider = await auth([globex], 'admin');
    expect((await ask(LIST, { all: true }, outsider)).data!.suppressions.edges).toEqual([]);
    expect(
      (await ask(REVOKE, { id: suppression.id }, outsider)).data!.revokeSuppression,
    ).toBeNull();

    // Revoked, it is kept (audited) and stops applying.
    const revoked = await ask(REVOKE, { id: suppression.id }, admin);
    expect(revoked.data!.revokeSuppression).toEqual({
      id: suppression.id,
      active: false,
      revokedBy: 'test-user',
    });
    expect((await ask(LIST, {}, admin)).data!.suppressions.edges).toEqual([]);
    expect((await ask(LIST, { all: true }, admin)).data!.suppressions.edges).toHaveLength(1);
    const after = `req-after-revoke-${run}`;
    await send([audienceMismatch(acme, after)]);
    const afterId = await publishedAnomaly(after, 'AUDIENCE_MISMATCH');
    await expectEventually(() =>
      expect(quiet.received.map((a) => a.id)).toEqual([loudId, afterId]),
    );
  });

  it('stops applying a suppression once it has expired', async () => {
    const run = uniqueSuffix();
    const acme = `acme-${run}`;
    const expiresAt = new Date(Date.now() + 2000);
    const created = await ask(
      CREATE,
      {
        input: {
          tenant: acme,
          rule: 'AUDIENCE_MISMATCH',
          reason: 'a maintenance window',
          expiresAt,
        },
      },
      await auth([acme], 'admin'),
    );
    expect(created.errors).toBeUndefined();
    await expectEventually(() => expect(Date.now()).toBeGreaterThan(expiresAt.getTime()));
    const dashboard = await watch([acme]);
    const requestId = `req-expired-${run}`;
    await send([audienceMismatch(acme, requestId)]);
    const id = await publishedAnomaly(requestId, 'AUDIENCE_MISMATCH');
    await expectEventually(() => expect(dashboard.received.map((a) => a.id)).toEqual([id]));
    expect((await anomalyOf(acme, requestId))[0].suppressedBy).toBeNull();
    const listed = await ask(LIST, { all: true }, await auth([acme], 'admin'));
    expect(listed.data!.suppressions.edges[0].node.active).toBe(false);
  });

  it('silences the open anomalies that already match when asked, each as a recorded change', async () => {
    const run = uniqueSuffix();
    const acme = `acme-${run}`;
    const requestId = `req-open-${run}`;
    await send([audienceMismatch(acme, requestId)]);
    const id = await publishedAnomaly(requestId, 'AUDIENCE_MISMATCH');
    const quiet = await watch([acme]);
    const everything = await watch([acme], true);
    const created = await ask(
      CREATE,
      {
        input: {
          tenant: acme,
          rule: 'AUDIENCE_MISMATCH',
          issuer: 'https://sts.example',
          reason: 'known',
          applyToOpen: true,
        },
      },
      await auth([acme], 'admin'),
    );
    expect(created.data!.createSuppression.suppressedNow).toBe(1);
    const suppressionId = created.data!.createSuppression.suppression.id as string;
    const [node] = await anomalyOf(acme, requestId);
    expect(node).toMatchObject({ version: 2, suppressedBy: suppressionId });
    expect(node.history[1]).toMatchObject({
      version: 2,
      change: 'SUPPRESSED',
      actor: 'test-user',
      reason: 'known',
      suppressionId,
    });
    // A later anomaly no suppression matches: once the quiet feed has it, nothing before it
    // is pending, so the suppressed change was skipped there.
    const sentinel = `req-sentinel-${run}`;
    await send([scopeEscalation(acme, sentinel)]);
    const sentinelId = await publishedAnomaly(sentinel, 'SCOPE_ESCALATION');
    await expectEventually(() => {
      expect(everything.received.map((a) => [a.id, a.version, a.suppressedBy])).toEqual([
        [id, 2, suppressionId],
        [sentinelId, 1, null],
      ]);
      expect(quiet.received.map((a) => a.id)).toEqual([sentinelId]);
    });
  });

  it('shows each rule’s details as typed fields', async () => {
    const run = uniqueSuffix();
    const acme = `acme-${run}`;
    const [audience, scope, revoked] = ['aud', 'scope', 'rev'].map((n) => `req-${n}-${run}`);
    await send([
      audienceMismatch(acme, audience),
      scopeEscalation(acme, scope),
      ...useAfterRevocation(acme, revoked),
    ]);
    await publishedAnomaly(audience, 'AUDIENCE_MISMATCH');
    await publishedAnomaly(scope, 'SCOPE_ESCALATION');
    await publishedAnomaly(revoked, 'USE_AFTER_REVOCATION');

    const [mismatch] = await anomalyOf(acme, audience);
    expect(mismatch.details).toMatchObject({
      hopId: 'h1',
      offendingToken: `jti:https://sts.example#tok-${audience}`,
      principal: 'agent:report-bot',
      principalIssuer: 'https://agents.example',
      issuer: 'https://sts.example',
      targetService: 'billing-api',
      tokenAudience: ['crm-api'],
      addedScopes: null,
    });
    expect(JSON.parse(mismatch.details.raw as string)).toMatchObject({ service: 'billing-api' });
    const [escalation] = await anomalyOf(acme, scope);
    expect(escalation.details).toMatchObject({
      addedScopes: ['crm.admin'],
      offendingToken: `jti:https://sts.example#child-${scope}`,
      parentToken: `jti:https://login.example#parent-${scope}`,
      principal: 'agent:greedy',
    });
    const [late] = (await anomalyOf(acme, revoked)).filter(
      (a) => a.rule === 'USE_AFTER_REVOCATION',
    );
    expect(late.details).toMatchObject({
      revoked: true,
      revokedAt: '2026-11-01T10:00:00.000Z',
      offendingToken: `jti:https://sts.example#revoked-${revoked}`,
    });
  });
});
