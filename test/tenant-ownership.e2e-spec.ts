import { createClient } from 'graphql-ws';
import type { Kafka, Producer } from 'kafkajs';
import WebSocket from 'ws';
import { expectEventually } from './support/eventually';
import { devToken, graphql } from './support/graphql-client';
import { createTopics, testKafka, uniqueSuffix } from './support/infra';
import { everyQuery, servedSchema } from './support/schema-walker';
import { startService, stopGracefully, type IngestorProcess } from './support/service-process';

/**
 * An attacker tenant's gateway sends events naming a victim tenant's principals, tokens,
 * request and hop ids (CONTRACT §2 "Who may assert what"). Nothing it sends may change what
 * the victim sees of its own record, and nothing of the victim's may reach the attacker
 * through the attacker's own events. Each `it` is one finding of the tenant review.
 */
const PROVENANCE = `query ($requestId: ID!) {
  provenance(requestId: $requestId) {
    complete
    origin { id tenant displayName reportedBy }
    chain { principal { id } }
    hops { hopId parentHopId reportedBy actor { id tenant reportedBy }
           token { key jti scopes audience expiresAt revokedAt parentKey reportedBy } }
    tokens { token { jti reportedBy } parent { jti } actor { id } subject { id } }
    gaps { kind hopId }
    anomalies { rule summary }
  }
}`;
const ANOMALIES = `query ($after: String) {
  anomalies(first: 100, after: $after) {
    edges { node { rule summary requestId } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const PRINCIPAL = `query ($tenant: String!, $issuer: String!, $id: String!) {
  principal(tenant: $tenant, issuer: $issuer, id: $id) { id tenant displayName kind reportedBy }
}`;
const LINEAGE = `query ($jti: String!, $issuer: String!) {
  tokenLineage(jti: $jti, issuer: $issuer, first: 50) {
    edges { node { actor subject requestId token { jti scopes reportedBy revokedAt } } }
  }
}`;

interface AnomalyNode {
  rule: string;
  summary: string;
  requestId: string | null;
}

describe('a tenant cannot rewrite or read another tenant’s record', () => {
  const run = uniqueSuffix();
  const topic = `delegation-events-${run}`;
  const victim = `victim-${run}`;
  const attacker = `attacker-${run}`;
  const victimLogin = 'https://login.victim.example';
  const victimSts = 'https://sts.victim.example';
  const attackerSts = 'https://sts.attacker.example';
  const request = `req-victim-${run}`;
  const attackerRequest = `req-attacker-${run}`;
  const t0 = Date.now() - 2 * 3600_000;
  const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
  const alice = { id: 'alice', issuer: victimLogin, kind: 'human', tenant: victim };
  const bot = { id: 'agent:support-bot', issuer: victimLogin, kind: 'agent' };
  const harvester = {
    id: 'agent:harvester',
    issuer: 'https://login.attacker.example',
    kind: 'agent',
  };
  const victimToken = { jti: 'v-bot', issuer: victimSts };
  let sequence = 0;
  const event = (tenant: string, type: string, minutes: number, data: Record<string, unknown>) => ({
    specversion: '1.0',
    id: `${tenant}-${(sequence += 1)}`,
    source: `gateway://${tenant}`,
    type: `provenant.${type}`,
    time: at(minutes),
    tenantid: tenant,
    data,
  });

  // The attacker's events come first: whoever named something first must not win.
  const attackerEvents = [
    event(attacker, 'principal.changed', 0, {
      principal: { ...alice, displayName: 'Alice — verify at evil.example' },
      change: 'offboarded',
      effectiveAt: at(-60),
    }),
    event(attacker, 'token.revoked', 0, {
      token: { ...victimToken, tenant: victim },
      revokedAt: at(-60),
    }),
    event(attacker, 'token.exchanged', 1, {
      requestId: attackerRequest,
      subject: { id: 'mallory', issuer: 'https://login.attacker.example', kind: 'human' },
      actor: harvester,
      subjectToken: { jti: 'a-root', issuer: attackerSts },
      issuedToken: { ...victimToken, tenant: victim, scopes: ['admin.all'] },
    }),
    // The victim's own request and hop id, targeted at the attacker itself.
    event(attacker, 'action.performed', 2, {
      requestId: request,
      hopId: 'h1',
      actor: harvester,
      target: { service: 'sink', tenant: attacker },
      decision: 'allow',
    }),
    // The victim's human shown acting against the victim, grafted under the victim's hop.
    event(attacker, 'action.performed', 3, {
      requestId: request,
      hopId: 'g1',
      parentHopId: 'h2',
      actor: { ...alice, displayName: 'Alice — verify at evil.example' },
      target: { service: 'crm-api', tenant: victim, action: 'export' },
      decision: 'allow',
    }),
    // The victim's token presented in the attacker's own request, after the victim revoked it.
    event(attacker, 'action.performed', 60, {
      requestId: attackerRequest,
      hopId: 'x1',
      actor: harvester,
      token: victimToken,
      target: { service: 'exfil', tenant: attacker },
      decision: 'allow',
    }),
  ];
  const victimEvents = [
    event(victim, 'token.exchanged', 0, {
      requestId: request,
      subject: { ...alice, displayName: 'Alice Ng' },
      actor: bot,
      subjectToken: { jti: 'v-root', issuer: victimSts, scopes: ['crm.read', 'crm.write'] },
      issuedToken: {
        ...victimToken,
        audience: ['crm-api'],
        scopes: ['crm.read'],
        expiresAt: at(100),
      },
    }),
    event(victim, 'action.performed', 1, {
      requestId: request,
      hopId: 'h1',
      actor: bot,
      onBehalfOf: alice,
      token: victimToken,
      target: { service: 'crm-api' },
      decision: 'allow',
    }),
    event(victim, 'action.performed', 2, {
      requestId: request,
      hopId: 'h2',
      parentHopId: 'h1',
      actor: bot,
      onBehalfOf: alice,
      token: victimToken,
      target: { service: 'crm-api' },
      decision: 'allow',
    }),
    event(victim, 'token.revoked', 30, { token: victimToken, revokedAt: at(30) }),
  ];

  let kafka: Kafka;
  let producer: Producer;
  let ingestor: IngestorProcess;
  let api: IngestorProcess;
  const as = async (tenant: string) => `Bearer ${await devToken([tenant], ['investigator'])}`;
  const query = async (tenant: string, text: string, variables: Record<string, unknown>) => {
    const { data, errors } = await graphql(api.port, text, variables, await as(tenant));
    expect(errors).toBeUndefined();
    return data!;
  };
  const anomaliesOf = async (tenant: string): Promise<AnomalyNode[]> => {
    const found: AnomalyNode[] = [];
    let after: string | null = null;
    do {
      const data = await query(tenant, ANOMALIES, { after });
      found.push(...data.anomalies.edges.map((edge: { node: AnomalyNode }) => edge.node));
      after = data.anomalies.pageInfo.hasNextPage ? data.anomalies.pageInfo.endCursor : null;
    } while (after);
    return found;
  };

  beforeAll(async () => {
    kafka = testKafka();
    await createTopics(kafka, [topic, `${topic}.dlq`, `${topic}-anomalies`]);
    producer = kafka.producer();
    await producer.connect();
    const env = {
      KAFKA_TOPIC: topic,
      KAFKA_ANOMALY_TOPIC: `${topic}-anomalies`,
      KAFKA_GROUP_ID: `ingestor-${topic}`,
    };
    [ingestor, api] = await Promise.all([startService('ingestor', env), startService('api', env)]);
    const send = (events: Array<ReturnType<typeof event>>) =>
      producer.send({
        topic,
        messages: events.map((e) => ({
          key: typeof e.data.requestId === 'string' ? e.data.requestId : e.id,
          value: JSON.stringify(e),
          headers: { 'content-type': 'application/cloudevents+json' },
        })),
      });
    await send(attackerEvents);
    await expectEventually(async () => {
      const data = await query(attacker, PROVENANCE, { requestId: attackerRequest });
      expect(data.provenance?.hops).toHaveLength(1);
    });
    await send(victimEvents);
    await expectEventually(async () => {
      const rules = (await anomaliesOf(victim)).map((a) => a.rule);
      expect(rules).toContain('USE_AFTER_REVOCATION');
      const data = await query(victim, PROVENANCE, { requestId: request });
      expect(data.provenance?.hops).toHaveLength(3);
    });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await stopGracefully(api, ingestor);
  });

  const victimView = async () =>
    (await query(victim, PROVENANCE, { requestId: request })).provenance;
  const victimHop = async (hopId: string) =>
    (await victimView()).hops.find(
      (hop: { hopId: string; reportedBy: string }) =>
        hop.hopId === hopId && hop.reportedBy === victim,
    );

  it("keeps the victim's hop whose (requestId, hopId) the attacker sent first", async () => {
    const view = await victimView();
    expect(
      view.hops.map((hop: { hopId: string; reportedBy: string }) => [hop.hopId, hop.reportedBy]),
    ).toEqual([
      ['h1', victim],
      ['h2', victim],
      ['g1', attacker],
    ]);
    // The attacker sees its own h1 in that request, and nothing of the victim's.
    const seen = (await query(attacker, PROVENANCE, { requestId: request })).provenance;
    expect(seen.hops.map((hop: { reportedBy: string }) => hop.reportedBy)).toEqual([
      attacker,
      attacker,
    ]);
  });

  it("does not let the attacker's offboarding or revocation claims take effect for the victim", async () => {
    const view = await victimView();
    const rules = view.anomalies.map((anomaly: { rule: string }) => anomaly.rule);
    expect(rules).not.toContain('ORPHANED_DELEGATION');
    expect(rules).not.toContain('USE_AFTER_REVOCATION');
    // The victim's token is revoked from minute 30 by the victim itself, not at -60 by the attacker.
    const hop = await victimHop('h1');
    expect(hop.token.revokedAt).toBe(at(30));
    // The claims themselves are evidence, shown to the tenant they name.
    const claims = (await anomaliesOf(victim)).map((anomaly) => anomaly.rule);
    expect(claims).toEqual(
      expect.arrayContaining(['FOREIGN_LIFECYCLE_CLAIM', 'FOREIGN_REVOCATION_CLAIM']),
    );
  });

  it("does not let an exchange reported by the attacker re-parent the victim's token", async () => {
    const view = await victimView();
    const derivation = view.tokens.find(
      (entry: { token: { jti: string } }) => entry.token.jti === 'v-bot',
    );
    expect(derivation).toMatchObject({
      token: { jti: 'v-bot', reportedBy: victim },
      parent: { jti: 'v-root' },
      actor: { id: bot.id },
      subject: { id: 'alice' },
    });
    const hop = await victimHop('h2');
    expect(hop.token).toMatchObject({ scopes: ['crm.read'], parentKey: `jti:${victimSts}#v-root` });
    // The attacker's claim to have issued the victim's token is evidence, shown to the victim.
    await expectEventually(async () =>
      expect((await anomaliesOf(victim)).map((anomaly) => anomaly.rule)).toContain(
        'FOREIGN_TOKEN_CLAIM',
      ),
    );
  });

  it("keeps the victim's own name for its principal, whoever named it first", async () => {
    const view = await victimView();
    expect(view.origin).toEqual({
      id: 'alice',
      tenant: victim,
      displayName: 'Alice Ng',
      reportedBy: victim,
    });
    const { principal } = await query(victim, PRINCIPAL, {
      tenant: victim,
      issuer: victimLogin,
      id: 'alice',
    });
    expect(principal).toMatchObject({ displayName: 'Alice Ng', reportedBy: victim });
  });

  it("shows the attacker's grafted hop as the attacker's claim: unlinked, flagged, the chain not complete", async () => {
    const view = await victimView();
    const graft = view.hops.find((hop: { hopId: string }) => hop.hopId === 'g1');
    expect(graft).toMatchObject({
      reportedBy: attacker,
      parentHopId: 'h2',
      actor: { id: 'alice', tenant: victim, reportedBy: attacker },
    });
    expect(view.gaps).toEqual([{ kind: 'MISSING_PARENT_HOP', hopId: 'g1' }]);
    expect(view.complete).toBe(false);
    // The chain is still the victim's own: origin, then its agent.
    expect(view.chain.map((link: { principal: { id: string } }) => link.principal.id)).toEqual([
      'alice',
      bot.id,
    ]);
    expect(view.anomalies.map((anomaly: { rule: string }) => anomaly.rule)).toContain(
      'FOREIGN_PRINCIPAL_CLAIM',
    );
  });

  it("never hands the attacker the victim's token facts through its own hop", async () => {
    const seen = (await query(attacker, PROVENANCE, { requestId: attackerRequest })).provenance;
    const token = seen.hops[0].token;
    // The attacker's own description of the token: its scopes, its parent, no victim facts.
    expect(token).toMatchObject({
      jti: 'v-bot',
      reportedBy: attacker,
      scopes: ['admin.all'],
      audience: [],
      expiresAt: null,
      revokedAt: null,
      parentKey: `jti:${attackerSts}#a-root`,
    });
    expect(JSON.stringify(seen)).not.toMatch(/v-root|crm-api|support-bot|Alice Ng/);
  });

  it("never shows the attacker the victim's name for its principal", async () => {
    const { principal } = await query(attacker, PRINCIPAL, {
      tenant: victim,
      issuer: victimLogin,
      id: 'alice',
    });
    expect(principal).toMatchObject({
      displayName: 'Alice — verify at evil.example',
      reportedBy: attacker,
    });
  });

  it('tells the victim, and only the victim, that its revoked token was used elsewhere', async () => {
    const victims = await anomaliesOf(victim);
    expect(victims).toContainEqual(
      expect.objectContaining({ rule: 'USE_AFTER_REVOCATION', requestId: attackerRequest }),
    );
    const attackers = await anomaliesOf(attacker);
    expect(attackers.map((anomaly) => anomaly.rule)).not.toContain('USE_AFTER_REVOCATION');
    // Whatever the attacker's tenant is told quotes nothing from the victim's events.
    expect(JSON.stringify(attackers)).not.toMatch(/v-root|crm\.read|support-bot|Alice Ng/);
    expect(JSON.stringify(attackers)).not.toContain(at(30));
  });

  it("keeps each tenant's token lineage its own", async () => {
    const mine = (await query(victim, LINEAGE, { jti: 'v-bot', issuer: victimSts })).tokenLineage;
    expect(mine.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      {
        actor: bot.id,
        subject: 'alice',
        requestId: request,
        token: { jti: 'v-bot', scopes: ['crm.read'], reportedBy: victim, revokedAt: at(30) },
      },
    ]);
    const theirs = (await query(attacker, LINEAGE, { jti: 'v-bot', issuer: victimSts }))
      .tokenLineage;
    expect(theirs.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      {
        actor: harvester.id,
        subject: 'mallory',
        requestId: attackerRequest,
        token: { jti: 'v-bot', scopes: ['admin.all'], reportedBy: attacker, revokedAt: null },
      },
    ]);
  });

  describe('every path of the schema', () => {
    // Facts only the victim's own events carry.
    const MARKERS = ['Alice Ng', 'v-root', 'crm.read', 'crm.write', 'support-bot'];
    const walk = async (tenant: string) => {
      // Every role, so that every root field answers (each still within `tenant`).
      const roles = ['investigator', 'dashboard', 'admin'];
      const auth = `Bearer ${await devToken([tenant], roles)}`;
      const schema = servedSchema();
      const values = {
        requestId: request,
        tenant: victim,
        issuer: victimLogin,
        id: 'alice',
        jti: 'v-bot',
        search: 'alice',
        first: 3,
        // A window around every event, and a strict proposal for the policy dry run.
        since: '2000-01-01T00:00:00Z',
        until: '2100-01-01T00:00:00Z',
        maxDelegationDepth: 1,
        maxDelegatedLifetimeSeconds: 60,
      };
      const queries = everyQuery(schema, values, 6);
      // Every root field is walked (none skipped for want of an argument).
      expect(queries.map((q) => q.field).sort()).toEqual(
        Object.keys(schema.getQueryType()!.getFields()).sort(),
      );
      const answers: Record<string, string> = {};
      for (const { field, query: text } of queries) {
        const { data, errors } = await graphql(api.port, text, {}, auth);
        expect({ field, errors }).toEqual({ field, errors: undefined });
        answers[field] = JSON.stringify(data);
      }
      return answers;
    };
    const leaks = (answers: Record<string, string>) =>
      Object.entries(answers).flatMap(([field, text]) =>
        MARKERS.filter((marker) => text.includes(marker)).map((marker) => `${field}: ${marker}`),
      );

    it('walks into the data: the victim itself finds its facts on every path that names them', async () => {
      const answers = await walk(victim);
      expect(leaks(answers)).toEqual(
        expect.arrayContaining([
          'provenance: Alice Ng',
          'provenance: v-root',
          'principal: Alice Ng',
          'principals: Alice Ng',
          'requests: Alice Ng',
        ]),
      );
    });

    it.each(['an unrelated tenant', 'the attacker'])(
      "shows %s nothing of the victim's, on any root field or nested path",
      async (who) => {
        const tenant = who === 'the attacker' ? attacker : `bystander-${run}`;
        const answers = await walk(tenant);
        expect(leaks(answers)).toEqual([]);
        // The attacker does reach data on these paths (its own claims), so the walk is not empty.
        if (tenant === attacker) expect(answers.provenance).toContain('g1');
      },
    );

    it.each(['an unrelated tenant', 'the attacker'])(
      "replays %s's live feed from the start with nothing of the victim's",
      async (who) => {
        const tenant = who === 'the attacker' ? attacker : `bystander-${run}`;
        const client = createClient({
          url: `ws://127.0.0.1:${api.port}/graphql`,
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${await devToken([tenant], ['dashboard'])}` },
          retryAttempts: 0,
        });
        const received: unknown[] = [];
        const start = Buffer.from('feed:"0"').toString('base64url');
        const stop = client.subscribe(
          {
            query: `subscription ($after: String) { anomalyDetected(after: $after) { id rule requestId summary } }`,
            variables: { after: start },
          },
          {
            next: (message) => received.push(message),
            error: (e) => received.push(e),
            complete: () => undefined,
          },
        );
        // The replay of everything published so far arrives first; give it time to.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        stop();
        await client.dispose();
        const text = JSON.stringify(received);
        expect(MARKERS.filter((marker) => text.includes(marker))).toEqual([]);
        expect(text).not.toContain('USE_AFTER_REVOCATION');
        if (tenant === attacker) expect(text).toContain('FOREIGN_PRINCIPAL_CLAIM');
        else expect(received).toEqual([]);
      },
    );
  });
});
