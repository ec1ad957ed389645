import { PRODUCT } from '../product';
// The OCSF objects several classes share, built from Provenant's shapes. Plain object literals
// with scalars copied and Provenant's own values referenced, never cloned: this runs once per
// exported record. An absent optional value stays `undefined`, which JSON leaves out.
import type { PrincipalRef, TokenRef } from '@app/contract';
import { MAX_LINEAGE } from '@app/provenance';
import type { ExportedEvent } from '../export-record';
import type {
  OcsfChainLink,
  OcsfClassAttributes,
  OcsfMetadata,
  OcsfProduct,
  OcsfToken,
  OcsfUnmappedPrincipal,
  OcsfUser,
} from './ocsf-record';
import {
  OCSF_VERSION,
  SEVERITY_INFORMATIONAL,
  TOKEN_TYPE_OAUTH,
  USER_TYPES,
  type OcsfActivity,
  type OcsfClass,
} from './ocsf-vocabulary';

/** The stored event of one type. */
export type EventOf<T extends ExportedEvent['type']> = Extract<ExportedEvent, { type: T }>;

/** Every event is `Informational`: what is wrong with it is an anomaly's to say. */
export const INFORMATIONAL = {
  severity_id: SEVERITY_INFORMATIONAL.id,
  severity: SEVERITY_INFORMATIONAL.caption,
} as const;

/** `metadata.product`: build it once per export and pass it to every record. */
export const ocsfProduct = (version: string): OcsfProduct =>
  Object.freeze({ name: PRODUCT.name, vendor_name: PRODUCT.vendor, version });

export const PROVENANT_OCSF_PRODUCT: OcsfProduct = ocsfProduct(PRODUCT.version);

/** OCSF `timestamp_t`: milliseconds since the epoch. */
export function epochMs(iso: string): number;
export function epochMs(iso: string | undefined): number | undefined;
export function epochMs(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : Date.parse(iso);
}

/** The class and activity attributes, consistent by construction (`type_uid` = class × 100 + activity). */
export function classAttributes<C extends OcsfClass>(
  cls: C,
  activity: OcsfActivity,
  activityName: string = activity.caption,
): OcsfClassAttributes<C['uid']> {
  return {
    activity_id: activity.id,
    activity_name: activityName,
    category_uid: cls.categoryUid,
    category_name: cls.categoryName,
    class_uid: cls.uid,
    class_name: cls.name,
    type_uid: cls.uid * 100 + activity.id,
    type_name: `${cls.name}: ${activity.caption}`,
  };
}

/** What every event record's `metadata` says: which record, which gateway, which tenant. */
export function eventMetadata(
  event: ExportedEvent,
  product: OcsfProduct,
  requestId: string | undefined,
  profiles?: readonly string[],
): OcsfMetadata {
  return {
    version: OCSF_VERSION,
    product,
    uid: event.uid,
    original_event_uid: event.id,
    correlation_uid: requestId,
    tenant_uid: event.tenantid,
    reporter: { uid: event.source, org: { uid: event.tenantid } },
    original_time: event.time,
    logged_time: Date.parse(event.receivedAt),
    profiles,
  };
}

/**
 * A principal as an OCSF user: `uid` and `name` the id, `domain` the issuer that vouches for it
 * (the identity is the triple tenant, issuer, id), `org.uid` its tenant (the reporter's by
 * default, as the contract says).
 */
export function ocsfUser(principal: PrincipalRef, reporter: string): OcsfUser {
  const type = USER_TYPES[principal.kind];
  return {
    uid: principal.id,
    name: principal.id,
    display_name: principal.displayName,
    domain: principal.issuer,
    type_id: type.id,
    type: type.caption,
    org: { uid: principal.tenant ?? reporter },
  };
}

export function unmappedPrincipal(
  principal: PrincipalRef,
  reporter: string,
): OcsfUnmappedPrincipal {
  return {
    uid: principal.id,
    issuer: principal.issuer,
    tenant: principal.tenant ?? reporter,
    kind: principal.kind,
    display_name: principal.displayName,
  };
}

/** The token's OCSF identity: its `jti` (what IdP logs carry), else its fingerprint. */
export const tokenUid = (token: TokenRef): string => token.jti ?? token.fingerprint ?? '';

export function ocsfToken(token: TokenRef, reporter: string): OcsfToken {
  return {
    uid: tokenUid(token),
    type_id: TOKEN_TYPE_OAUTH.id,
    type: TOKEN_TYPE_OAUTH.caption,
    tenant_uid: token.tenant ?? reporter,
    created_time: epochMs(token.issuedAt),
    expiration_time: epochMs(token.expiresAt),
  };
}

function chainLink(
  role: OcsfChainLink['role'],
  principal: PrincipalRef,
  reporter: string,
): OcsfChainLink {
  return {
    role,
    uid: principal.id,
    issuer: principal.issuer,
    tenant: principal.tenant ?? reporter,
    kind: principal.kind,
  };
}

const stringOrUndefined = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** Whether the token's decoded claims name an actor (RFC 8693 §4.1 `act`). */
export const hasActClaim = (token: TokenRef): boolean =>
  typeof token.claims?.act === 'object' && token.claims.act !== null;

/**
 * The delegation chain as the event reports it: whose authority, then who acts, then the
 * token's RFC 8693 `act` claims outermost (the current actor) first, each nested one a prior
 * actor. Kept as reported, duplicates included: where the hop and the token disagree is what
 * an analyst looks for.
 */
export function delegationChain(
  reporter: string,
  onBehalfOf: PrincipalRef | undefined,
  actor: PrincipalRef | undefined,
  token: TokenRef | undefined,
): OcsfChainLink[] {
  const chain: OcsfChainLink[] = [];
  if (onBehalfOf !== undefined) chain.push(chainLink('on_behalf_of', onBehalfOf, reporter));
  if (actor !== undefined) chain.push(chainLink('actor', actor, reporter));
  let act: unknown = token?.claims?.act;
  // The contract bounds the nesting; the bound here keeps the loop finite whatever it receives.
  for (let depth = 0; typeof act === 'object' && act !== null && depth < MAX_LINEAGE; depth++) {
    const claim = act as { sub?: unknown; iss?: unknown; act?: unknown };
    chain.push({
      role: 'act',
      uid: stringOrUndefined(claim.sub),
      issuer: stringOrUndefined(claim.iss),
    });
    act = claim.act;
  }
  return chain;
}
