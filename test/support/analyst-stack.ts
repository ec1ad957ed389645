import { anomalyEventSchema } from '@app/contract';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { expectEventually } from './eventually';
import { subscribeFeed, type Feed } from './feed-client';
import { devToken, graphql } from './graphql-client';
import {
  collectTopic,
  createTopics,
  testKafka,
  testPool,
  uniqueSuffix,
  type ConsumedMessage,
} from './infra';
import { startService, stopGracefully, type IngestorProcess } from './service-process';
import type { TestEvent } from './triage-events';

/** What analysts and admins send, and what a dashboard subscribes to. */
export const FEED = `subscription ($include: Boolean) {
  anomalyDetected(includeSuppressed: $include) { id rule version triage suppressedBy }
}`;
export const TRIAGE = `mutation ($id: ID!, $triage: TriageDecision!, $note: String) {
  triageAnomaly(id: $id, triage: $triage, note: $note) { id triage version }
}`;
export const ANOMALY = `query ($requestId: ID!, $suppressed: Boolean) {
  anomalies(filter: { requestId: $requestId, suppressed: $suppressed }) {
    edges { node {
      id rule version triage suppressedBy
      history { version change actor reason suppressionId at }
      details { hopId offendingToken parentToken principal principalIssuer issuer targetService
                tokenAudience addedScopes revoked revokedAt raw }
    } }
  }
}`;
export const CREATE = `mutation ($input: CreateSuppressionInput!) {
  createSuppression(input: $input) { suppressedNow suppression { id tenant active createdBy } }
}`;
export const LIST = `query ($all: Boolean) {
  suppressions(includeInactive: $all) { edges { node { id active revokedBy revokedAt } } }
}`;
export const REVOKE = `mutation ($id: ID!) { revokeSuppression(id: $id) { id active revokedBy } }`;

export interface FeedAnomaly {
  id: string;
  rule: string;
  version: number;
  triage: string;
  suppressedBy: string | null;
}

export interface AnomalyNode extends FeedAnomaly {
  history: Array<{
    version: number;
    change: string;
    actor: string | null;
    reason: string | null;
    suppressionId: string | null;
  }>;
  details: Record<string, unknown>;
}

/**
 * An ingestor and an API on a topic of their own, started before the suite's tests and
 * stopped after them, with what the tests do through them: send events, wait until an
 * anomaly is published, ask GraphQL as a role, read the export, watch the live feed (every
 * feed is checked for errors and closed after each test).
 */
export function analystStack(name: string) {
  const topic = `${name}-${uniqueSuffix()}`;
  const anomalyTopic = `${topic}-anomalies`;
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  let onTopic: { messages: ConsumedMessage[]; stop: () => Promise<void> } | undefined;
  let ingestor: IngestorProcess | undefined;
  let api: IngestorProcess | undefined;
  const feeds: Array<Feed<FeedAnomaly>> = [];

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

  const auth = async (tenants: string[], role: string) =>
    `Bearer ${await devToken(tenants, [role])}`;
  const ask = (query: string, variables: Record<string, unknown>, authorization: string) =>
    graphql(api!.port, query, variables, authorization);

  return {
    auth,
    ask,
    /** What reached the anomaly topic so far. */
    published: () => onTopic!.messages,

    send: async (events: TestEvent[]) => {
      await producer.send({
        topic,
        messages: events.map((event) => ({
          key: typeof event.data.requestId === 'string' ? event.data.requestId : event.id,
          value: JSON.stringify(event),
          headers: { 'content-type': 'application/cloudevents+json' },
        })),
      });
    },

    /** The request's one anomaly of `rule`, once stored and published (in the feed). */
    publishedAnomaly: (requestId: string, rule: string) =>
      expectEventually(async () => {
        const { rows } = await pool.query<{ id: string; seq: string | null }>(
          'SELECT id::text, feed_seq::text AS seq FROM anomalies WHERE request_id = $1 AND rule = $2',
          [requestId, rule],
        );
        expect(rows).toHaveLength(1);
        expect(rows[0].seq).not.toBeNull();
        return rows[0].id;
      }),

    /** The request's anomalies as a tenant's investigator sees them. */
    anomalyOf: async (tenant: string, requestId: string, suppressed?: boolean) => {
      const answer = await ask(
        ANOMALY,
        { requestId, suppressed: suppressed ?? null },
        await auth([tenant], 'investigator'),
      );
      expect(answer.errors).toBeUndefined();
      return (answer.data!.anomalies.edges as Array<{ node: AnomalyNode }>).map((e) => e.node);
    },

    /** The anomaly export (NDJSON) as a tenant's SIEM reads it. */
    exported: async (tenant: string) => {
      const response = await fetch(
        `http://127.0.0.1:${api!.port}/v1/export/anomalies?format=ndjson&limit=1000`,
        { headers: { authorization: await auth([tenant], 'siem') } },
      );
      expect(response.status).toBe(200);
      return (await response.text())
        .split('\n')
        .filter(Boolean)
        .map((line) => anomalyEventSchema.parse(JSON.parse(line)));
    },

    /** A dashboard of `tenants` on the live feed. */
    watch: async (tenants: string[], includeSuppressed = false) => {
      const feed = await subscribeFeed<FeedAnomaly>(api!.port, tenants, FEED, {
        include: includeSuppressed,
      });
      feeds.push(feed);
      return feed;
    },
  };
}
