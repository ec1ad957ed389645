// Realistic synthetic delegation traffic, deterministic for a seed: humans delegate to
// agents, agents to tools and services, over chains of depth 2 to 5, across tenants.
// Used by the benchmarks, the crash-recovery test and the fault suite.
import { seededRandom } from '../infra/seeded-random';

export interface TrafficEvent {
  key: string;
  value: {
    specversion: '1.0';
    id: string;
    source: string;
    type: string;
    time: string;
    tenantid: string;
    data: Record<string, unknown>;
  };
}

export interface TrafficOptions {
  requests: number;
  seed?: number;
  tenants?: number;
  principalsPerTenant?: number;
  /** Makes tenants, requests and event ids unique to a run. */
  run?: string;
}

interface Principal {
  id: string;
  issuer: string;
  kind: string;
}

interface Token {
  jti: string;
  issuer: string;
  audience: string[];
  scopes: string[];
  issuedAt: string;
  expiresAt: string;
  claims?: { sub: string; act: ActClaim };
}

interface ActClaim {
  sub: string;
  act?: ActClaim;
}

const DELEGATE_KINDS = ['agent', 'tool', 'service', 'workload'];
const SERVICES = [
  'crm-api',
  'billing-api',
  'vault',
  'warehouse',
  'calendar-api',
  'payments-api',
  'search-api',
];
const ACTIONS = ['read', 'list', 'update', 'export', 'execute'];

/**
 * Yields `{ key, value }` pairs (value: a structured CloudEvent object) for `requests`
 * requests. Events of a request come in causal order; callers may shuffle them.
 */
export function* generateTraffic({
  requests,
  seed = 1,
  tenants = 20,
  principalsPerTenant = 200,
  run = 'r',
}: TrafficOptions): Generator<TrafficEvent> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const base = Date.parse('2026-11-01T00:00:00Z');
  let eventNo = 0;
  for (let r = 0; r < requests; r++) {
    const tenant = `tenant-${Math.floor(random() * tenants)}-${run}`;
    const requestId = `${run}-req-${r}`;
    const depth = 2 + Math.floor(random() * 4); // 2..5 principals in the chain
    const crossTenant = random() < 0.01;
    const t0 = base + r * 1000;
    const chain: Principal[] = [
      {
        id: `user-${Math.floor(random() * principalsPerTenant)}@${tenant}.example`,
        issuer: `https://login.${tenant}.example`,
        kind: 'human',
      },
    ];
    for (let i = 1; i < depth; i++) {
      const kind = pick(DELEGATE_KINDS);
      chain.push({
        id: `${kind}:${Math.floor(random() * principalsPerTenant)}`,
        issuer: `https://${kind}s.${tenant}.example`,
        kind,
      });
    }
    const tokens: Token[] = [
      {
        jti: `${requestId}-t0`,
        issuer: chain[0].issuer,
        audience: ['sts'],
        scopes: ['read', 'write'],
        issuedAt: new Date(t0 - 60000).toISOString(),
        expiresAt: new Date(t0 + 3600000).toISOString(),
      },
    ];
    const event = (type: string, time: number, data: Record<string, unknown>): TrafficEvent => ({
      key: requestId,
      value: {
        specversion: '1.0',
        id: `${run}-e${eventNo++}`,
        source: `gw://${tenant}/edge`,
        type,
        time: new Date(time).toISOString(),
        tenantid: tenant,
        data,
      },
    });
    let act: ActClaim | undefined;
    for (let i = 1; i < depth; i++) {
      act = act ? { sub: chain[i].id, act } : { sub: chain[i].id };
      const issued: Token = {
        jti: `${requestId}-t${i}`,
        issuer: `https://sts.${tenant}.example`,
        audience: [pick(SERVICES)],
        scopes: ['read'],
        issuedAt: new Date(t0 + i * 10).toISOString(),
        expiresAt: new Date(t0 + 1800000).toISOString(),
        claims: { sub: chain[0].id, act },
      };
      yield event('provenant.token.exchanged', t0 + i * 10, {
        requestId,
        subject: chain[0],
        actor: chain[i],
        subjectToken: { jti: tokens[i - 1].jti, issuer: tokens[i - 1].issuer },
        issuedToken: issued,
        grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
      });
      tokens.push(issued);
    }
    for (let i = 1; i < depth; i++) {
      // Each delegate calls the service its token was issued for; about 1 request in 100
      // reaches into another tenant, which the rules flag (realistic, not all clean).
      const service = tokens[i].audience[0];
      const foreign = crossTenant
        ? { tenant: `tenant-${(Number(tenant.split('-')[1]) + 1) % tenants}-${run}` }
        : {};
      yield event('provenant.action.performed', t0 + 100 + i * 10, {
        requestId,
        hopId: `h${i}`,
        ...(i > 1 ? { parentHopId: `h${i - 1}` } : {}),
        actor: chain[i],
        onBehalfOf: chain[0],
        ...(chain[i].kind === 'agent' ? { tool: { name: `tool-${i}` } } : {}),
        target: { service, ...foreign, resource: `res/${r}`, action: pick(ACTIONS) },
        token: { jti: tokens[i].jti, issuer: tokens[i].issuer },
        decision: random() < 0.95 ? 'allow' : 'deny',
      });
    }
    if (random() < 0.02) {
      yield event('provenant.token.revoked', t0 + 500, {
        token: { jti: tokens[1].jti, issuer: tokens[1].issuer },
        reason: 'session ended',
        revokedAt: new Date(t0 + 500).toISOString(),
      });
    }
  }
}

/** Counts what a traffic stream must produce in the graph, to check it was stored exactly. */
export function expectedCounts(events: Iterable<TrafficEvent>): {
  events: number;
  exchanges: number;
  hops: number;
} {
  const counts = { events: 0, exchanges: 0, hops: 0 };
  for (const { value } of events) {
    counts.events += 1;
    if (value.type === 'provenant.token.exchanged') counts.exchanges += 1;
    if (value.type === 'provenant.action.performed') counts.hops += 1;
  }
  return counts;
}
