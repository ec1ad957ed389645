import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { gateway, send } from './support/delegation-events';
import { expectEventually } from './support/eventually';
import { devToken, graphql } from './support/graphql-client';
import { createTopics, testKafka, testPool, uniqueSuffix } from './support/infra';
import { startService, stopGracefully, type IngestorProcess } from './support/service-process';

/**
 * The chain comes from everything observed: a delegate whose own hop never arrived is still
 * in the chain when its token exchange was seen, and DELEGATION_DEPTH counts it. (Parallel
 * calls of one delegate are width, not depth: they add nobody.)
 */
const PROVENANCE = `query ($requestId: ID!) {
  provenance(requestId: $requestId) {
    origin { id }
    chain { position principal { id } }
    hops { hopId }
    gaps { kind hopId }
    anomalies { rule verdict summary }
  }
}`;

describe('a chain whose middle hop is missing', () => {
  const run = uniqueSuffix();
  const topic = `chain-${run}`;
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  let ingestor: IngestorProcess | undefined;
  let api: IngestorProcess | undefined;

  beforeAll(async () => {
    kafka = testKafka();
    pool = testPool();
    await createTopics(kafka, [topic, `${topic}.dlq`, `${topic}-anomalies`]);
    producer = kafka.producer();
    await producer.connect();
    const env = {
      KAFKA_TOPIC: topic,
      KAFKA_ANOMALY_TOPIC: `${topic}-anomalies`,
      KAFKA_GROUP_ID: `ingestor-${topic}`,
      POLICY_MAX_DELEGATION_DEPTH: '2',
    };
    [ingestor, api] = await Promise.all([startService('ingestor', env), startService('api', env)]);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await pool?.end();
    await stopGracefully(api, ingestor);
  });

  it('has every delegate whose exchange was observed, and DELEGATION_DEPTH counts them', async () => {
    const tenant = `acme-${run}`;
    const gw = gateway(tenant);
    const requestId = `req-chain-${run}`;
    const alice = gw.person('alice', 'human');
    const bot = gw.person('agent:bot', 'agent');
    const tool = gw.person('tool:crm', 'tool');
    const svc = gw.person('svc:billing', 'service');
    // alice → bot → tool → svc, each step an exchange. The bot calls twice (h1, then h1b
    // under it); the tool's own call h2 is missing, so svc's call h3 hangs from nothing.
    const events = [
      gw.exchange(requestId, alice, bot, 'alice', 'bot'),
      gw.exchange(requestId, alice, tool, 'bot', 'tool'),
      gw.exchange(requestId, alice, svc, 'tool', 'svc'),
      gw.action(requestId, { hopId: 'h1' }, bot, alice, 'bot', 'crm-mcp'),
      gw.action(requestId, { hopId: 'h1b', parentHopId: 'h1' }, bot, alice, 'bot', 'crm-mcp'),
      gw.action(requestId, { hopId: 'h3', parentHopId: 'h2' }, svc, alice, 'svc', 'billing-api'),
    ];
    await send(producer, topic, events);

    const authorization = `Bearer ${await devToken([tenant], ['investigator'])}`;
    const provenance = await expectEventually(async () => {
      const answer = await graphql(api!.port, PROVENANCE, { requestId }, authorization);
      const found = answer.data?.provenance as {
        origin: { id: string };
        chain: Array<{ position: number; principal: { id: string } }>;
        hops: unknown[];
        gaps: Array<{ kind: string; hopId: string }>;
        anomalies: Array<{ rule: string; verdict: string; summary: string }>;
      };
      expect(found?.hops).toHaveLength(3);
      expect(found.anomalies.length).toBeGreaterThan(0);
      return found;
    });

    expect(provenance.origin.id).toBe('alice');
    expect(provenance.chain).toEqual(
      ['alice', 'agent:bot', 'tool:crm', 'svc:billing'].map((id, position) => ({
        position,
        principal: { id },
      })),
    );
    expect(provenance.gaps).toEqual([{ kind: 'MISSING_PARENT_HOP', hopId: 'h3' }]);
    expect(provenance.anomalies).toEqual([
      {
        rule: 'DELEGATION_DEPTH',
        verdict: 'OPEN',
        summary: '3 delegates after alice; the policy allows 2',
      },
    ]);
  });
});
