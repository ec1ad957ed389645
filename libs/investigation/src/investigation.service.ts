import {
  type PrincipalView,
  type RequestGraph,
  type TenantScope,
  type TokenView,
} from '@app/graph';
import {
  AnomalyRepository,
  PrincipalRepository,
  RequestGraphRepository,
  TokenRepository,
  type ActionQuery,
  type AnomalyQuery,
  type PrincipalIdentity,
  type StoredAnomaly,
  type TokenTreeRow,
} from '@app/persistence';
import { reconstruct, type Provenance } from '@app/provenance';
import { Injectable } from '@nestjs/common';

export interface ProvenanceAnswer {
  provenance: Provenance;
  anomalies: StoredAnomaly[];
  /** Tokens presented or exchanged in the request, with their ancestors. */
  tokens: TokenView[];
}

/**
 * The investigator's questions, each answered for a tenant scope with a fixed number of
 * queries. What the scope may not see does not exist: the answer is null or empty.
 */
@Injectable()
export class InvestigationService {
  constructor(
    private readonly graphs: RequestGraphRepository,
    private readonly anomalies: AnomalyRepository,
    private readonly principals: PrincipalRepository,
    private readonly tokens: TokenRepository,
  ) {}

  async provenance(scope: TenantScope, requestId: string): Promise<ProvenanceAnswer | null> {
    return (await this.provenanceOf(scope, [requestId])).get(requestId) ?? null;
  }

  /** Many requests in the same few queries (the API asks for a page of a principal's hops). */
  async provenanceOf(
    scope: TenantScope,
    requestIds: readonly string[],
  ): Promise<Map<string, ProvenanceAnswer>> {
    const [graphs, anomalies] = await Promise.all([
      this.graphs.loadVisible(scope, requestIds),
      this.anomalies.forRequests(scope, requestIds),
    ]);
    const answers = new Map<string, ProvenanceAnswer>();
    for (const requestId of requestIds) {
      const graph = graphs.get(requestId);
      const found = anomalies.get(requestId) ?? [];
      if (!graph && found.length === 0) continue;
      const effective: RequestGraph = graph ?? {
        requestId,
        hops: [],
        exchanges: [],
        tokens: new Map(),
        changes: [],
        presenters: new Map(),
      };
      answers.set(requestId, {
        provenance: reconstruct(effective, {
          ownTenants: scope.kind === 'tenants' ? scope.tenants : undefined,
        }),
        anomalies: found,
        tokens: [...effective.tokens.values()],
      });
    }
    return answers;
  }

  anomalyPage(scope: TenantScope, query: AnomalyQuery): Promise<StoredAnomaly[]> {
    return this.anomalies.list(scope, query);
  }

  principal(scope: TenantScope, key: PrincipalIdentity): Promise<PrincipalView | null> {
    return this.principals.find(scope, key);
  }

  actions(scope: TenantScope, query: ActionQuery) {
    return this.principals.actions(scope, query);
  }

  tokenLineage(scope: TenantScope, tokenKey: string): Promise<TokenTreeRow[]> {
    return this.tokens.descendants(scope, tokenKey);
  }
}
