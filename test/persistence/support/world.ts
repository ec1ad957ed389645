import { recordKey, tokenKeyOf, type PrincipalKind } from '@app/graph';
import {
  type ActionPerformedData,
  type DelegationEvent,
  type PrincipalChangedData,
  type PrincipalRef,
  type TokenExchangedData,
  type TokenRef,
} from '@app/contract';
import { toEventGraph } from '@app/ingestion';
import type { EventGraph } from '@app/persistence';
import { randomBytes } from 'node:crypto';

const ISSUER = 'https://login.example';
const STS = 'https://sts.example';
const T0 = Date.UTC(2026, 10, 1, 9, 0);

/**
 * One test's world: its own tenants, requests, principals, tokens and topic (all named with
 * a random suffix), so tests share the database and never see each other's rows. Events are
 * mapped to graph rows by the ingestor's own mapper, as the store receives them.
 */
export function newWorld() {
  const run = randomBytes(4).toString('hex');
  const topic = `persistence-${run}`;
  let events = 0;
  let offset = 0;

  /** An ISO time `minutes` after this world's start. */
  const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

  const graph = (event: DelegationEvent): EventGraph =>
    toEventGraph(event, [], { topic, partition: 0, offset: String(offset++) });

  const envelope = (tenant: string, minutes: number) => ({
    specversion: '1.0' as const,
    id: `ev-${++events}`,
    source: `gw://${tenant}`,
    time: at(minutes),
    tenantid: tenant,
  });

  return {
    run,
    topic,
    at,
    tenant: (name: string): string => `${name}-${run}`,
    request: (name: string): string => `req-${name}-${run}`,

    /** A principal of `tenant` (default: the reporting tenant, as gateways omit it). */
    principal(
      id: string,
      kind: PrincipalKind,
      extra: Partial<Omit<PrincipalRef, 'id' | 'kind'>> = {},
    ): PrincipalRef {
      return { id: `${id}-${run}`, issuer: ISSUER, kind, ...extra };
    },

    token(jti: string, extra: Partial<Omit<TokenRef, 'jti'>> = {}): TokenRef {
      return { jti: `${jti}-${run}`, issuer: STS, ...extra };
    },

    exchanged(tenant: string, data: TokenExchangedData, minutes = 0): EventGraph {
      return graph({ ...envelope(tenant, minutes), type: 'provenant.token.exchanged', data });
    },

    acted(
      tenant: string,
      data: Omit<ActionPerformedData, 'decision'> & Partial<Pick<ActionPerformedData, 'decision'>>,
      minutes = 0,
    ): EventGraph {
      return graph({
        ...envelope(tenant, minutes),
        type: 'provenant.action.performed',
        data: { decision: 'allow', ...data },
      });
    },

    revoked(tenant: string, token: TokenRef, minutes = 0, reason?: string): EventGraph {
      return graph({
        ...envelope(tenant, minutes),
        type: 'provenant.token.revoked',
        data: { token, revokedAt: at(minutes), ...(reason ? { reason } : {}) },
      });
    },

    changed(
      tenant: string,
      principal: PrincipalRef,
      change: PrincipalChangedData['change'],
      minutes = 0,
    ): EventGraph {
      return graph({
        ...envelope(tenant, minutes),
        type: 'provenant.principal.changed',
        data: { principal, change, effectiveAt: at(minutes) },
      });
    },
  };
}

export type World = ReturnType<typeof newWorld>;

/** The key of `reporter`'s record of a token, as loaded graphs name it. */
export const tokenRecord = (reporter: string, token: TokenRef): string =>
  recordKey(reporter, tokenKeyOf(token));

export { tokenKeyOf };
