import { createHash } from 'node:crypto';
import { expectEventually } from './support/eventually';
import { devToken, graphql } from './support/graphql-client';
import { createTopics, kcatProduce, testKafka, uniqueSuffix } from './support/infra';
import { startService, stopGracefully, type IngestorProcess } from './support/service-process';

/**
 * The search API over HTTP, against events a victim's and an attacker's gateways sent through
 * a real broker (produced with kcat): each filter, paging, order, and what each tenant may
 * find (CONTRACT §3): the attacker's hop aimed at the victim is the victim's to see; the
 * attacker's own reports under the victim's request id, or naming its principals, are not.
 */
const REQUESTS = `query ($filter: RequestFilter, $first: Int, $after: String) {
  requests(filter: $filter, first: $first, after: $after) {
    edges { cursor node { requestId firstSeenAt lastSeenAt hopCount targets targetCount
                          openAnomalies maxSeverity complete origin { id tenant reportedBy } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;
const PRINCIPALS = `query ($search: String!, $tenant: String, $issuer: String, $first: Int, $after: String) {
  principals(search: $search, tenant: $tenant, issuer: $issuer, first: $first, after: $after) {
    edges { node { id issuer tenant kind displayName reportedBy } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const PROVENANCE = `query ($requestId: ID!) {
  provenance(requestId: $requestId) {
    complete origin { id tenant reportedBy } hops { hopId } anomalies { severity verdict }
  }
}`;

interface RequestNode {
  requestId: string;
  firstSeenAt: string;
  lastSeenAt: string;
  hopCount: number;
  targets: string[];
  targetCount: number;
  openAnomalies: number;
  maxSeverity: string | null;
  complete: boolean;
  origin: { id: string; tenant: string; reportedBy: string } | null;
}

describe('search API', () => {
  const run = uniqueSuffix();
  const topic = `search-${run}`;
  const victim = `victim-${run}`;
  const attacker = `attacker-${run}`;
  const bystander = `bystander-${run}`;
  const login = 'https://login.victim.example';
  const sts = 'https://sts.victim.example';
  const t0 = Date.now() - 3 * 3600_000;
  const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
  const rid = (name: string) => `req-${name}-${run}`;
  const ids = Array.from({ length: 12 }, (_, i) => rid(`v${i + 1}`));
  const odd = rid('odd');
  const attackerHop = rid('a1');
  const attackerOwn = rid('a2');
  // A raw token only its fingerprint is ever sent for; the browser computes the same.
  const raw = `eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.${run}`;
  const fingerprint = `sha256:${createHash('sha256').update(raw, 'utf8').digest('hex')}`;

  const alice = {
    id: `alice-${run}`,
    issuer: login,
    kind: 'human',
    displayName: 'Alice Searchable',
  };
  const agent = { id: `agent-${run}`, issuer: 'https://agents.victim.example', kind: 'agent' };
  const percent = {
    id: `pct-${run}`,
    issuer: login,
    kind: 'human',
    displayName: 'Deal 100%_x\\y',
  };
  const lookalike = { id: `deal-1000-x-y-${run}`, issuer: login, kind: 'human' };

  let events = 0;
  const event = (tenant: string, minutes: number, type: string, data: Record<string, unknown>) => ({
    specversion: '1.0',
    id: `ev-${++events}-${run}`,
    source: `gw://${tenant}`,
    type,
    time: at(minutes),
    tenantid: tenant,
    data,
  });
  const hop = (
    tenant: string,
    minutes: number,
    requestId: string,
    fields: { actor: object; onBehalfOf?: object; target: object; token?: object },
  ) =>
    event(tenant, minutes, 'provenant.action.performed', {
      requestId,
      hopId: 'h1',
      decision: 'allow',
      ...fields,
    });

  const victimEvents = [
    ...ids.map((requestId, i) =>
      hop(victim, i + 1, requestId, {
        actor: agent,
        onBehalfOf: alice,
        target: {
          service: (i + 1) % 3 === 0 ? 'billing-api' : 'crm-api',
          resource: `accounts/${i + 1}`,
        },
        token: i === 4 ? { fingerprint, issuer: sts } : { jti: `tok-${i + 1}-${run}`, issuer: sts },
      }),
    ),
    hop(victim, 0.5, odd, { actor: agent, onBehalfOf: percent, target: { service: 'crm-api' } }),
    hop(victim, 0.25, rid('lookalike'), {
      actor: agent,
      onBehalfOf: lookalike,
      target: { service: 'crm-api' },
    }),
  ];
  const mallory = {
    id: `mallory-bot-${run}`,
    issuer: 'https://agents.attacker.example',
    kind: 'agent',
  };
  const attackerEvents = [
    // Aimed at the victim: the victim sees this attack.
    hop(attacker, 30, attackerHop, {
      actor: mallory,
      onBehalfOf: { ...alice, tenant: victim, displayName: 'Alice (claimed)' },
      target: { service: 'payments-api', tenant: victim },
    }),
    // Under the victim's request id, and its own request naming the victim's user: not the victim's.
    hop(attacker, 40, ids[0], {
      actor: { ...mallory, id: `planted-${run}` },
      target: { service: 'exfil-api', resource: 'dump' },
      token: { jti: `tok-2-${run}`, issuer: sts },
    }),
    hop(attacker, 35, attackerOwn, {
      actor: mallory,
      onBehalfOf: { ...alice, tenant: victim, displayName: 'Alice (claimed)' },
      target: { service: 'crm-api' },
    }),
  ];

  let ingestor: IngestorProcess;
  let api: IngestorProcess;
  const auth = async (tenants: string[], roles = ['investigator']) =>
    `Bearer ${await devToken(tenants, roles)}`;
  const ask = async (tenant: string, query: string, variables: Record<string, unknown>) =>
    graphql(api.port, query, variables, await auth([tenant]));
  const search = async (tenant: string, filter: Record<string, unknown>, first = 50) => {
    const { data, errors } = await ask(tenant, REQUESTS, { filter, first });
    expect(errors).toBeUndefined();
    return (data!.requests.edges as Array<{ node: RequestNode }>).map((edge) => edge.node);
  };
  const found = async (tenant: string, filter: Record<string, unknown>) =>
    (await search(tenant, filter)).map((node) => node.requestId);
  const refusal = async (query: string, variables: Record<string, unknown>) => {
    const { data, errors } = await ask(victim, query, variables);
    expect(data).toBeNull();
    return errors?.[0]?.extensions?.code;
  };

  beforeAll(async () => {
    const kafka = testKafka();
    await createTopics(kafka, [topic, `${topic}.dlq`, `${topic}-anomalies`]);
    const env = {
      KAFKA_TOPIC: topic,
      KAFKA_ANOMALY_TOPIC: `${topic}-anomalies`,
      KAFKA_GROUP_ID: `ingestor-${topic}`,
    };
    [ingestor, api] = await Promise.all([startService('ingestor', env), startService('api', env)]);
    for (const sent of [...victimEvents, ...attackerEvents])
      await kcatProduce(topic, String(sent.data.requestId), JSON.stringify(sent), {
        'content-type': 'application/cloudevents+json',
      });
    await expectEventually(async () => {
      expect(await found(victim, {})).toHaveLength(15);
      expect(await found(attacker, {})).toHaveLength(3);
    });
  });

  afterAll(() => stopGracefully(api, ingestor));

  it('lists visible requests newest first, each at its latest visible activity', async () => {
    const all = await found(victim, {});
    // The attack aimed at the victim is listed; r1 stays at its own time (minute 1), not
    // at the attacker's minute 40; the attacker's own request is not listed.
    expect(all).toEqual([attackerHop, ...[...ids].reverse(), odd, rid('lookalike')]);
    expect(await found(attacker, {})).toEqual([ids[0], attackerOwn, attackerHop]);
    expect(await found(bystander, {})).toEqual([]);
  });

  it('pages over the keyset with no repeats or misses', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { data, errors } = await ask(victim, REQUESTS, { first: 4, after });
      expect(errors).toBeUndefined();
      const page = data!.requests;
      seen.push(...page.edges.map((edge: { node: RequestNode }) => edge.node.requestId));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      pages += 1;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(4);
    expect(seen).toEqual(await found(victim, {}));
    // A filtered list pages the same way.
    const billing = await found(victim, { target: 'billing' });
    const first = await ask(victim, REQUESTS, { filter: { target: 'billing' }, first: 2 });
    const rest = await ask(victim, REQUESTS, {
      filter: { target: 'billing' },
      first: 10,
      after: first.data!.requests.pageInfo.endCursor,
    });
    expect(
      [...first.data!.requests.edges, ...rest.data!.requests.edges].map(
        (edge: { node: RequestNode }) => edge.node.requestId,
      ),
    ).toEqual(billing);
  });

  it('finds a request by id, within what the caller sees', async () => {
    expect(await found(victim, { requestId: ids[2] })).toEqual([ids[2]]);
    expect(await found(attacker, { requestId: ids[2] })).toEqual([]);
    // The attacker's own hop under r1 is the attacker's, and shows nothing of the victim's.
    const [mine] = await search(attacker, { requestId: ids[0] });
    expect(mine).toMatchObject({ hopCount: 1, targets: ['exfil-api'] });
    const [theirs] = await search(victim, { requestId: ids[0] });
    expect(theirs).toMatchObject({ hopCount: 1, targets: ['crm-api'], lastSeenAt: at(1) });
  });

  it('finds requests by any part of a principal’s id or display name', async () => {
    // By display name: the victim's own record; by id: the attacker's claim aimed at it too.
    const everyAlice = [attackerHop, ...[...ids].reverse()];
    expect(await found(victim, { principal: { search: 'ALICE SEARCH' } })).toEqual(
      everyAlice.slice(1),
    );
    expect(await found(victim, { principal: { search: `alice-${run}`, tenant: victim } })).toEqual(
      everyAlice,
    );
    expect(
      await found(victim, { principal: { search: `alice-${run}`, issuer: 'https://other' } }),
    ).toEqual([]);
    expect(await found(victim, { principal: { search: `planted-${run}` } })).toEqual([]);
    expect(await found(attacker, { principal: { search: 'Alice Searchable' } })).toEqual([]);
    expect(await found(attacker, { principal: { search: 'alice (claimed)' } })).toEqual([
      attackerOwn,
      attackerHop,
    ]);
  });

  it('finds requests by any part of a target’s service or resource', async () => {
    expect(await found(victim, { target: 'BILLING' })).toEqual([ids[11], ids[8], ids[5], ids[2]]);
    expect(await found(victim, { target: 'accounts/1' })).toEqual([
      ids[11],
      ids[10],
      ids[9],
      ids[0],
    ]);
    expect(await found(victim, { target: 'exfil' })).toEqual([]);
    expect(await found(attacker, { target: 'exfil' })).toEqual([ids[0]]);
  });

  it('finds requests by a token’s jti or its fingerprint, computed from the raw token', async () => {
    expect(await found(victim, { token: { jti: `tok-7-${run}` } })).toEqual([ids[6]]);
    expect(await found(victim, { token: { jti: `tok-7-${run}`, issuer: sts } })).toEqual([ids[6]]);
    expect(await found(victim, { token: { jti: `tok-7-${run}`, issuer: login } })).toEqual([]);
    // The attacker presented the victim's jti in its own hop: each sees only its own use.
    expect(await found(victim, { token: { jti: `tok-2-${run}` } })).toEqual([ids[1]]);
    expect(await found(attacker, { token: { jti: `tok-2-${run}` } })).toEqual([ids[0]]);
    expect(await found(victim, { token: { fingerprint } })).toEqual([ids[4]]);
    expect(
      await found(victim, { token: { fingerprint: fingerprint.slice(7).toUpperCase() } }),
    ).toEqual([ids[4]]);
    expect(await found(attacker, { token: { fingerprint } })).toEqual([]);
  });

  it('finds requests active in a time window, and combines filters', async () => {
    expect(await found(victim, { since: at(3), until: at(6) })).toEqual([ids[4], ids[3], ids[2]]);
    expect(await found(victim, { since: at(5), target: 'billing' })).toEqual([
      ids[11],
      ids[8],
      ids[5],
    ]);
    expect(
      await found(victim, { since: at(5), target: 'billing', principal: { search: 'Alice' } }),
    ).toEqual([ids[11], ids[8], ids[5]]);
    expect(await found(victim, { requestId: ids[2], target: 'crm' })).toEqual([]);
  });

  it('summarizes each request as provenance does', async () => {
    for (const node of await search(victim, {})) {
      const { data } = await ask(victim, PROVENANCE, { requestId: node.requestId });
      const provenance = data!.provenance;
      const open = provenance.anomalies.filter((a: { verdict: string }) => a.verdict === 'OPEN');
      expect(node.origin).toEqual(provenance.origin);
      expect(node.complete).toBe(provenance.complete);
      expect(node.hopCount).toBe(provenance.hops.length);
      expect(node.openAnomalies).toBe(open.length);
      const ranks = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
      const highest = open
        .map((a: { severity: string }) => a.severity)
        .sort((a: string, b: string) => ranks.indexOf(b) - ranks.indexOf(a))[0];
      expect(node.maxSeverity).toBe(highest ?? null);
    }
    const attack = (await search(victim, { requestId: attackerHop }))[0];
    expect(attack.openAnomalies).toBeGreaterThan(0);
    expect(attack.targets).toEqual(['payments-api']);
  });

  it('matches %, _ and \\ literally, and refuses text too short or too long', async () => {
    expect(await found(victim, { principal: { search: '100%_x\\y' } })).toEqual([odd]);
    expect(await found(victim, { principal: { search: 'l 100%' } })).toEqual([odd]);
    expect(await found(victim, { principal: { search: '100__x' } })).toEqual([]);
    for (const text of ['%%%', '___', '\\\\\\'])
      expect(await found(victim, { principal: { search: text }, target: text })).toEqual([]);
    const principals = await ask(victim, PRINCIPALS, { search: '100%_x' });
    expect(
      principals.data!.principals.edges.map((e: { node: { id: string } }) => e.node.id),
    ).toEqual([percent.id]);
    expect(await refusal(REQUESTS, { filter: { target: 'x'.repeat(201) } })).toBe('BAD_USER_INPUT');
    expect(await refusal(REQUESTS, { filter: { principal: { search: 'al' } } })).toBe(
      'BAD_USER_INPUT',
    );
    expect(await refusal(PRINCIPALS, { search: 'y'.repeat(10_000) })).toBe('BAD_USER_INPUT');
    expect(await refusal(REQUESTS, { filter: { token: { fingerprint: raw } } })).toBe(
      'BAD_USER_INPUT',
    );
    const idsOnly = `query ($first: Int) { requests(first: $first) { edges { node { requestId } } } }`;
    expect(await refusal(idsOnly, { first: 101 })).toBe('BAD_USER_INPUT');
    expect(await refusal(REQUESTS, { after: 'bm90IGEgY3Vyc29y' })).toBe('BAD_USER_INPUT');
    // A refusal never quotes what was sent.
    const { errors } = await ask(victim, REQUESTS, { filter: { token: { fingerprint: raw } } });
    expect(JSON.stringify(errors)).not.toContain(run);
  });

  it('finds principals the caller may see, each identity once, in a stable order', async () => {
    const nodes = async (tenant: string, variables: Record<string, unknown>) => {
      const { data, errors } = await ask(tenant, PRINCIPALS, variables);
      expect(errors).toBeUndefined();
      return data!.principals.edges.map((e: { node: Record<string, string> }) => e.node) as Array<
        Record<string, string>
      >;
    };
    const victims = await nodes(victim, { search: run });
    // The victim's own records, and the attacker's bot that acted against it.
    expect(victims.map((p) => p.id)).toEqual(
      [agent.id, alice.id, lookalike.id, mallory.id, percent.id].sort(),
    );
    expect(victims.find((p) => p.id === alice.id)).toMatchObject({
      displayName: 'Alice Searchable',
      reportedBy: victim,
    });
    expect(await nodes(victim, { search: 'alice searchable', tenant: attacker })).toEqual([]);
    // The attacker sees its own claims only: never the victim's record of alice.
    const attackers = await nodes(attacker, { search: run });
    expect(attackers.every((p) => p.reportedBy === attacker)).toBe(true);
    expect(JSON.stringify(attackers)).not.toContain('Alice Searchable');
    expect(await nodes(bystander, { search: run })).toEqual([]);
    // Pages of two, no repeats or misses.
    const paged: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { data } = await ask(victim, PRINCIPALS, { search: run, first: 2, after });
      paged.push(...data!.principals.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!data!.principals.pageInfo.hasNextPage) break;
      after = data!.principals.pageInfo.endCursor;
    }
    expect(paged).toEqual(victims.map((p) => p.id));
  });

  it('answers nothing to a caller without the investigator role', async () => {
    for (const [query, variables] of [
      [REQUESTS, {}],
      [PRINCIPALS, { search: run }],
    ] as const) {
      const { data, errors } = await graphql(
        api.port,
        query,
        variables,
        await auth([victim], ['dashboard', 'siem']),
      );
      expect(data).toBeNull();
      expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
