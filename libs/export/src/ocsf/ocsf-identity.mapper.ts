// Token exchanges, revocations and principal lifecycle changes as OCSF Identity & Access
// Management records (Authentication, Entity Management, Account Change).
import type {
  PRINCIPAL_CHANGED,
  TOKEN_EXCHANGED,
  TOKEN_REVOKED,
  PrincipalChangedData,
  TokenExchangedData,
  TokenRevokedData,
} from '@app/contract';
import {
  INFORMATIONAL,
  classAttributes,
  delegationChain,
  epochMs,
  eventMetadata,
  hasActClaim,
  ocsfToken,
  ocsfUser,
  tokenUid,
  type EventOf,
} from './ocsf-objects';
import type {
  OcsfAccountChange,
  OcsfAuthentication,
  OcsfEntityManagement,
  OcsfProduct,
} from './ocsf-record';
import {
  ACCOUNT_CHANGE,
  ACCOUNT_CHANGE_ACTIVITIES,
  ACCOUNT_SWITCH_DELEGATION,
  ACCOUNT_SWITCH_IMPERSONATE,
  ACCOUNT_SWITCH_UNKNOWN,
  AUTHENTICATION,
  AUTHENTICATION_ACCOUNT_SWITCH,
  AUTH_PROTOCOL_OAUTH2,
  ENTITY_MANAGEMENT,
  ENTITY_MANAGEMENT_DISABLE,
  ENTITY_TYPE_TOKEN,
  OTHER_ID,
  STATUS_SUCCESS,
  type OcsfActivity,
} from './ocsf-vocabulary';

export function tokenExchanged(
  event: EventOf<typeof TOKEN_EXCHANGED>,
  product: OcsfProduct,
): OcsfAuthentication {
  const data: TokenExchangedData = event.data;
  const reporter = event.tenantid;
  // RFC 8693 §1.1: an issued token naming its actor (`act`) is delegation, one without is
  // impersonation; without decoded claims Provenant cannot tell.
  const switchType =
    data.issuedToken.claims === undefined
      ? ACCOUNT_SWITCH_UNKNOWN
      : hasActClaim(data.issuedToken)
        ? ACCOUNT_SWITCH_DELEGATION
        : ACCOUNT_SWITCH_IMPERSONATE;
  return {
    time: epochMs(event.time),
    metadata: eventMetadata(event, product, data.requestId),
    message: `${data.actor.id} obtained a token on behalf of ${data.subject.id}`,
    status_id: STATUS_SUCCESS.id,
    status: STATUS_SUCCESS.caption,
    actor: { user: ocsfUser(data.actor, reporter) },
    user: ocsfUser(data.subject, reporter),
    // The token service the actor exchanged at: the issuer of what it obtained.
    service: { name: data.issuedToken.issuer ?? event.source },
    auth_protocol_id: AUTH_PROTOCOL_OAUTH2.id,
    auth_protocol: AUTH_PROTOCOL_OAUTH2.caption,
    account_switch_type_id: switchType.id,
    account_switch_type: switchType.caption,
    authentication_token: ocsfToken(data.issuedToken, reporter),
    unmapped: {
      provenant: {
        event_type: event.type,
        chain: delegationChain(reporter, data.subject, data.actor, data.issuedToken),
        grant_type: data.grantType,
        traceparent: event.traceparent,
        subject_token: data.subjectToken,
        actor_token: data.actorToken,
        issued_token: data.issuedToken,
      },
    },
    ...classAttributes(AUTHENTICATION, AUTHENTICATION_ACCOUNT_SWITCH),
    ...INFORMATIONAL,
  };
}

export function tokenRevoked(
  event: EventOf<typeof TOKEN_REVOKED>,
  product: OcsfProduct,
): OcsfEntityManagement {
  const data: TokenRevokedData = event.data;
  const uid = tokenUid(data.token);
  const chain = delegationChain(event.tenantid, undefined, undefined, data.token);
  const subject = data.token.claims?.sub;
  if (typeof subject === 'string') chain.unshift({ role: 'on_behalf_of', uid: subject });
  return {
    time: epochMs(event.time),
    metadata: eventMetadata(event, product, undefined),
    message: `token ${uid} revoked`,
    status_id: STATUS_SUCCESS.id,
    status: STATUS_SUCCESS.caption,
    entity: {
      uid,
      name: uid,
      type_id: ENTITY_TYPE_TOKEN.id,
      type: ENTITY_TYPE_TOKEN.caption,
      org: { uid: data.token.tenant ?? event.tenantid },
      data: data.token,
    },
    comment: data.reason,
    unmapped: {
      provenant: {
        event_type: event.type,
        chain,
        revoked_at: data.revokedAt,
        traceparent: event.traceparent,
      },
    },
    ...classAttributes(ENTITY_MANAGEMENT, ENTITY_MANAGEMENT_DISABLE),
    ...INFORMATIONAL,
  };
}

const ACCOUNT_CHANGES: Readonly<Record<PrincipalChangedData['change'], OcsfActivity>> = {
  offboarded: ACCOUNT_CHANGE_ACTIVITIES.delete,
  disabled: ACCOUNT_CHANGE_ACTIVITIES.disable,
  enabled: ACCOUNT_CHANGE_ACTIVITIES.enable,
  // Neither has an OCSF activity: a role change may attach or detach, and a rotated
  // credential need not be a password.
  role_changed: ACCOUNT_CHANGE_ACTIVITIES.other,
  credentials_rotated: ACCOUNT_CHANGE_ACTIVITIES.other,
};

export function principalChanged(
  event: EventOf<typeof PRINCIPAL_CHANGED>,
  product: OcsfProduct,
): OcsfAccountChange {
  const data: PrincipalChangedData = event.data;
  const activity = ACCOUNT_CHANGES[data.change];
  return {
    time: epochMs(event.time),
    metadata: eventMetadata(event, product, undefined),
    message: `${data.principal.id} ${data.change}`,
    status_id: STATUS_SUCCESS.id,
    status: STATUS_SUCCESS.caption,
    user: ocsfUser(data.principal, event.tenantid),
    unmapped: {
      provenant: {
        event_type: event.type,
        change: data.change,
        effective_at: data.effectiveAt,
        traceparent: event.traceparent,
      },
    },
    ...classAttributes(
      ACCOUNT_CHANGE,
      activity,
      activity.id === OTHER_ID ? data.change : activity.caption,
    ),
    ...INFORMATIONAL,
  };
}
