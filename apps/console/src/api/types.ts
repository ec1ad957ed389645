// The shapes of the API's answers the console reads (apps/api/schema.gql).
export type PrincipalKind = 'HUMAN' | 'AGENT' | 'SERVICE' | 'TOOL' | 'WORKLOAD';
export type Severity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export const SEVERITIES: Severity[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

export interface Principal {
  id: string;
  issuer: string;
  tenant: string;
  kind: PrincipalKind;
  displayName?: string | null;
  reportedBy: string;
}

export interface Token {
  key: string;
  jti?: string | null;
  fingerprint?: string | null;
  issuer?: string | null;
  tenant: string;
  reportedBy: string;
  audience: string[];
  scopes: string[];
  issuedAt?: string | null;
  expiresAt?: string | null;
  revokedAt?: string | null;
  parentKey?: string | null;
}

export interface Hop {
  hopId: string;
  parentHopId?: string | null;
  requestId: string;
  occurredAt: string;
  reportedBy: string;
  actor: Principal;
  onBehalfOf?: Principal | null;
  tool?: { name: string; server?: string | null } | null;
  target: {
    service: string;
    tenant?: string | null;
    resource?: string | null;
    action?: string | null;
  };
  decision: 'ALLOW' | 'DENY';
  reason?: string | null;
  token?: Token | null;
}

export interface Gap {
  hopId?: string | null;
  kind: string;
  reason: string;
  tokenKey?: string | null;
}

export interface Anomaly {
  id: string;
  rule: string;
  severity: Severity;
  requestId?: string | null;
  detectedAt: string;
  summary: string;
  verdict?: 'OPEN' | 'WITHDRAWN';
  details?: {
    principal?: string | null;
    actor?: string | null;
    hopId?: string | null;
    offendingToken?: string | null;
    reporter?: string | null;
  };
}

export interface TokenDerivation {
  token: Token;
  parent?: Token | null;
  actor?: Principal | null;
  subject?: Principal | null;
  exchangedAt?: string | null;
  grantType?: string | null;
}

export interface Provenance {
  requestId: string;
  complete: boolean;
  origin?: Principal | null;
  chain: Array<{ position: number; principal: Principal }>;
  hops: Hop[];
  gaps: Gap[];
  anomalies: Anomaly[];
  tokens: TokenDerivation[];
}

export interface PageInfo {
  endCursor?: string | null;
  hasNextPage: boolean;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
}

export interface LineageNode {
  depth: number;
  actor?: string | null;
  subject?: string | null;
  requestId?: string | null;
  token: Token;
}
