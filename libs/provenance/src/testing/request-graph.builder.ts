import {
  recordKey,
  type PrincipalKind,
  type ExchangeView,
  type HopView,
  type PrincipalView,
  type RequestGraph,
  type TokenView,
} from '@app/graph';

/** Builds request graphs for unit tests of the reconstruction and the rules. */
export class RequestGraphBuilder {
  private readonly principals = new Map<string, PrincipalView>();
  private readonly tokens = new Map<string, TokenView>();
  private readonly exchanges: ExchangeView[] = [];
  private readonly hops: HopView[] = [];
  private readonly changes: RequestGraph['changes'] = [];
  private readonly presenters = new Map<string, string[]>();
  private nextEvent = 1;

  constructor(readonly requestId = 'req-1') {}

  /** `reporter`: the tenant whose record this is (by default the principal's own). */
  principal(
    id: string,
    kind: PrincipalKind = 'agent',
    tenant = 'acme',
    reporter = tenant,
  ): PrincipalView {
    const key = `${reporter}|${tenant}|${id}`;
    let principal = this.principals.get(key);
    if (!principal) {
      principal = {
        ref: String(this.principals.size + 1),
        id,
        issuer: `https://${tenant}.example`,
        tenant,
        kind,
        displayName: null,
        reportedBy: reporter,
      };
      this.principals.set(key, principal);
    }
    return principal;
  }

  token(key: string, fields: Partial<TokenView> = {}): TokenView {
    const token: TokenView = {
      key,
      reportedBy: 'acme',
      tenant: 'acme',
      issuer: 'https://sts.acme.example',
      jti: key,
      fingerprint: null,
      audience: [],
      scopes: [],
      issuedAt: null,
      expiresAt: null,
      claims: null,
      parentKey: null,
      actorTokenKey: null,
      revokedAt: null,
      revokedBy: null,
      ...this.tokens.get(key),
      ...fields,
    };
    this.tokens.set(key, token);
    return token;
  }

  exchange(
    subject: PrincipalView,
    actor: PrincipalView,
    subjectTokenKey: string,
    issuedTokenKey: string,
    at: string,
    tenant = 'acme',
  ): this {
    this.token(subjectTokenKey);
    this.token(issuedTokenKey, { parentKey: subjectTokenKey });
    this.exchanges.push({
      eventId: String(this.nextEvent++),
      requestId: this.requestId,
      tenant,
      subject,
      actor,
      subjectTokenKey,
      actorTokenKey: null,
      issuedTokenKey,
      grantType: null,
      occurredAt: new Date(at),
    });
    return this;
  }

  hop(
    hopId: string,
    actor: PrincipalView,
    at: string,
    fields: {
      onBehalfOf?: PrincipalView | null;
      tokenKey?: string | null;
      parentHopId?: string | null;
      service?: string;
      targetTenant?: string | null;
      tenant?: string;
      /** When the store received it; by default when it occurred. */
      receivedAt?: string;
    } = {},
  ): this {
    if (fields.tokenKey) this.token(fields.tokenKey);
    const tenant = fields.tenant ?? 'acme';
    this.hops.push({
      eventId: String(this.nextEvent++),
      requestId: this.requestId,
      key: recordKey(tenant, hopId),
      parentKey: fields.parentHopId ? recordKey(tenant, fields.parentHopId) : null,
      hopId,
      parentHopId: fields.parentHopId ?? null,
      tenant,
      actor,
      onBehalfOf: fields.onBehalfOf ?? null,
      tool: null,
      target: {
        service: fields.service ?? 'crm-api',
        tenant: fields.targetTenant ?? null,
        resource: null,
        action: null,
      },
      tokenKey: fields.tokenKey ?? null,
      decision: 'allow',
      reason: null,
      occurredAt: new Date(at),
      receivedAt: new Date(fields.receivedAt ?? at),
    });
    return this;
  }

  /** A lifecycle change in effect, reported by the principal's tenant unless told otherwise. */
  change(
    principal: PrincipalView,
    change: string,
    at: string,
    reportedBy = principal.tenant,
  ): this {
    this.changes.push({
      principalRef: principal.ref,
      change,
      effectiveAt: new Date(at),
      reportedBy,
    });
    return this;
  }

  presentedBy(tokenKey: string, ...actors: PrincipalView[]): this {
    this.presenters.set(
      tokenKey,
      actors.map((actor) => actor.ref),
    );
    return this;
  }

  build(order: { hops?: number[]; exchanges?: number[] } = {}): RequestGraph {
    const pick = <T>(items: T[], indexes?: number[]) =>
      indexes ? indexes.map((i) => items[i]) : [...items];
    return {
      requestId: this.requestId,
      hops: pick(this.hops, order.hops),
      exchanges: pick(this.exchanges, order.exchanges),
      tokens: new Map(this.tokens),
      changes: [...this.changes],
      presenters: new Map(this.presenters),
    };
  }
}

/** The operator → support agent → CRM tool story, as stored facts. */
export function crmStory(builder = new RequestGraphBuilder()) {
  const alice = builder.principal('alice@acme.example', 'human');
  const bot = builder.principal('agent:support-bot', 'agent');
  const tool = builder.principal('tool:crm-lookup', 'tool');
  builder
    .exchange(alice, bot, 'tok-alice', 'tok-bot', '2026-11-01T09:00:01Z')
    .exchange(alice, tool, 'tok-bot', 'tok-tool', '2026-11-01T09:00:02Z')
    .hop('h1', bot, '2026-11-01T09:00:02Z', {
      onBehalfOf: alice,
      tokenKey: 'tok-bot',
      service: 'crm-mcp',
    })
    .hop('h2', tool, '2026-11-01T09:00:03Z', {
      onBehalfOf: alice,
      tokenKey: 'tok-tool',
      parentHopId: 'h1',
    });
  builder.token('tok-alice', {
    scopes: ['crm.read', 'crm.write'],
    expiresAt: new Date('2026-11-01T09:55:00Z'),
  });
  builder.token('tok-bot', {
    audience: ['crm-mcp'],
    scopes: ['crm.read'],
    expiresAt: new Date('2026-11-01T09:30:00Z'),
    claims: { sub: alice.id, act: { sub: bot.id } },
  });
  builder.token('tok-tool', {
    audience: ['crm-api'],
    scopes: ['crm.read'],
    expiresAt: new Date('2026-11-01T09:05:00Z'),
    claims: { sub: alice.id, act: { sub: tool.id, act: { sub: bot.id } } },
  });
  return { builder, alice, bot, tool };
}
