// The OCSF identifiers Provenant writes, with the captions OCSF pairs with them. Source: the
// OCSF schema, github.com/ocsf/ocsf-schema tag 1.8.0 (Apache-2.0): `events/` for the classes
// and their `activity_id` enums, `dictionary.json` for `severity_id` and `status_id`. The
// generated JSON Schema checks every id against its caption, so a typo here fails the tests.
import type { AnomalyTriage, Severity } from '@app/graph';

/** The OCSF version of every record (`metadata.version`). */
export const OCSF_VERSION = '1.8.0';

export interface OcsfClass {
  uid: number;
  name: string;
  categoryUid: number;
  categoryName: string;
}

export const API_ACTIVITY = {
  uid: 6003,
  name: 'API Activity',
  categoryUid: 6,
  categoryName: 'Application Activity',
} as const satisfies OcsfClass;
export const AUTHENTICATION = {
  uid: 3002,
  name: 'Authentication',
  categoryUid: 3,
  categoryName: 'Identity & Access Management',
} as const satisfies OcsfClass;
export const ENTITY_MANAGEMENT = {
  uid: 3004,
  name: 'Entity Management',
  categoryUid: 3,
  categoryName: 'Identity & Access Management',
} as const satisfies OcsfClass;
export const ACCOUNT_CHANGE = {
  uid: 3001,
  name: 'Account Change',
  categoryUid: 3,
  categoryName: 'Identity & Access Management',
} as const satisfies OcsfClass;
export const DETECTION_FINDING = {
  uid: 2004,
  name: 'Detection Finding',
  categoryUid: 2,
  categoryName: 'Findings',
} as const satisfies OcsfClass;

/** The classes Provenant emits: the JSON Schema is generated for exactly these. */
export const OCSF_EMITTED_CLASSES: readonly OcsfClass[] = [
  API_ACTIVITY,
  AUTHENTICATION,
  ENTITY_MANAGEMENT,
  ACCOUNT_CHANGE,
  DETECTION_FINDING,
];

/** An `activity_id` and its caption. */
export interface OcsfActivity {
  id: number;
  caption: string;
}

/** OCSF's id for "none of the listed values"; its sibling is then free text. */
export const OTHER_ID = 99;

export const API_ACTIVITIES = {
  unknown: { id: 0, caption: 'Unknown' },
  create: { id: 1, caption: 'Create' },
  read: { id: 2, caption: 'Read' },
  update: { id: 3, caption: 'Update' },
  delete: { id: 4, caption: 'Delete' },
  other: { id: OTHER_ID, caption: 'Other' },
} as const satisfies Record<string, OcsfActivity>;

export const AUTHENTICATION_ACCOUNT_SWITCH: OcsfActivity = { id: 7, caption: 'Account Switch' };
export const ENTITY_MANAGEMENT_DISABLE: OcsfActivity = { id: 9, caption: 'Disable' };
export const DETECTION_FINDING_ACTIVITIES = {
  create: { id: 1, caption: 'Create' },
  update: { id: 2, caption: 'Update' },
  close: { id: 3, caption: 'Close' },
} as const satisfies Record<string, OcsfActivity>;

export const ACCOUNT_CHANGE_ACTIVITIES = {
  enable: { id: 2, caption: 'Enable' },
  disable: { id: 5, caption: 'Disable' },
  delete: { id: 6, caption: 'Delete' },
  other: { id: OTHER_ID, caption: 'Other' },
} as const satisfies Record<string, OcsfActivity>;

/** `severity_id` / `severity`. */
export const SEVERITY_INFORMATIONAL = { id: 1, caption: 'Informational' } as const;
export const ANOMALY_SEVERITIES: Readonly<Record<Severity, { id: number; caption: string }>> = {
  LOW: { id: 2, caption: 'Low' },
  MEDIUM: { id: 3, caption: 'Medium' },
  HIGH: { id: 4, caption: 'High' },
  CRITICAL: { id: 5, caption: 'Critical' },
};

/** `status_id` / `status` of the event classes (base event enum). */
export const STATUS_SUCCESS = { id: 1, caption: 'Success' } as const;
export const STATUS_FAILURE = { id: 2, caption: 'Failure' } as const;
/** `status_id` / `status` of a finding (Finding class enum), by where an analyst took it. */
export const FINDING_STATUSES = {
  NEW: { id: 1, caption: 'New' },
  ACKNOWLEDGED: { id: 2, caption: 'In Progress' },
  RESOLVED: { id: 4, caption: 'Resolved' },
  FALSE_POSITIVE: { id: 4, caption: 'Resolved' },
} as const satisfies Record<AnomalyTriage, { id: number; caption: string }>;

/** `auth_protocol_id` 6: RFC 8693 token exchange is an OAuth 2.0 grant. */
export const AUTH_PROTOCOL_OAUTH2 = { id: 6, caption: 'OAUTH 2.0' } as const;
/** `account_switch_type_id`: 0 Unknown, 2 Impersonate, 99 Other (then `account_switch_type` names it). */
export const ACCOUNT_SWITCH_UNKNOWN = { id: 0, caption: 'Unknown' } as const;
export const ACCOUNT_SWITCH_IMPERSONATE = { id: 2, caption: 'Impersonate' } as const;
export const ACCOUNT_SWITCH_DELEGATION = { id: OTHER_ID, caption: 'Delegation' } as const;

/**
 * `token.type_id` 99: an RFC 8693 token is none of OCSF's kinds (Kerberos tickets, OIDC
 * identity and refresh tokens, SAML assertions, IdP client tokens, API keys).
 */
export const TOKEN_TYPE_OAUTH = { id: OTHER_ID, caption: 'OAuth 2.0 Token' } as const;

/** `managed_entity.type_id` 99: a token is not among OCSF's managed entity types. */
export const ENTITY_TYPE_TOKEN = { id: OTHER_ID, caption: 'Token' } as const;

/** `analytic.type_id` 1: each anomaly comes from a named rule. */
export const ANALYTIC_RULE = { id: 1, caption: 'Rule' } as const;

/** `resource_details.role_id` 1: the resource the hop acted on. */
export const RESOURCE_ROLE_TARGET = { id: 1, caption: 'Target' } as const;

/** `user.type_id` per principal kind: 1 User, 4 Service, 99 Other (the kind in `type`). */
export const USER_TYPES = {
  human: { id: 1, caption: 'User' },
  service: { id: 4, caption: 'Service' },
  workload: { id: 4, caption: 'Service' },
  agent: { id: OTHER_ID, caption: 'Agent' },
  tool: { id: OTHER_ID, caption: 'Tool' },
} as const;
