// The OCSF 1.8.0 records Provenant writes: only the attributes it fills, each with its OCSF
// type (`timestamp_t` = epoch milliseconds, `json_t` = any JSON value). The committed JSON
// Schema (ocsf-1.8.0.schema.json) is the full definition; these types keep the mapper honest.
import type { AnomalyVerdict } from '@app/graph';
import type { PrincipalKind } from '@app/graph';
import type { EventType, PrincipalChangedData, TokenRef } from '@app/contract';

export interface OcsfOrganization {
  uid: string;
}

export interface OcsfProduct {
  name: string;
  vendor_name: string;
  version: string;
}

export interface OcsfReporter {
  uid: string;
  org: OcsfOrganization;
}

export interface OcsfMetadata {
  version: string;
  product: OcsfProduct;
  uid: string;
  original_event_uid?: string;
  correlation_uid?: string;
  tenant_uid: string;
  reporter?: OcsfReporter;
  original_time?: string;
  logged_time?: number;
  profiles?: readonly string[];
}

export interface OcsfUser {
  uid: string;
  name: string;
  display_name?: string;
  /** The issuer that vouches for `uid`. */
  domain: string;
  type_id: number;
  type: string;
  /** The principal's tenant. */
  org: OcsfOrganization;
}

export interface OcsfActor {
  user: OcsfUser;
  app_name?: string;
}

export interface OcsfToken {
  uid: string;
  type_id: number;
  type: string;
  tenant_uid?: string;
  created_time?: number;
  expiration_time?: number;
}

export interface OcsfNetworkEndpoint {
  name?: string;
  svc_name?: string;
}

export interface OcsfService {
  name: string;
}

export interface OcsfApi {
  operation: string;
  service: OcsfService;
  request: { uid: string };
  token?: OcsfToken;
}

export interface OcsfResource {
  name: string;
  role_id: number;
  role: string;
}

export interface OcsfManagedEntity {
  uid: string;
  name: string;
  type_id: number;
  type: string;
  /** The token's tenant. */
  org: OcsfOrganization;
  /** OCSF `json_t`: the entity's content, here the token as reported. */
  data: TokenRef;
}

export interface OcsfAnalytic {
  uid: string;
  name: string;
  type_id: number;
  type: string;
}

export interface OcsfFindingInfo {
  uid: string;
  title: string;
  desc: string;
  types: string[];
  created_time: number;
  modified_time?: number;
  analytic: OcsfAnalytic;
}

export interface OcsfEvidence {
  data: unknown;
}

/** One link of the delegation chain, in `unmapped.provenant.chain`. */
export interface OcsfChainLink {
  /** Where the link comes from: the event's on-behalf-of subject, its actor, or an `act` claim. */
  role: 'on_behalf_of' | 'actor' | 'act';
  /** The principal id (the `sub` of an `act` claim); absent when the claim names none. */
  uid?: string;
  issuer?: string;
  tenant?: string;
  kind?: PrincipalKind;
}

/** A principal where OCSF 1.8.0 has no attribute for it (the on-behalf-of subject of a hop). */
export interface OcsfUnmappedPrincipal {
  uid: string;
  issuer: string;
  tenant: string;
  kind: PrincipalKind;
  display_name?: string;
}

/** What OCSF 1.8.0 has no attribute for, under the vendor's own key. */
export interface OcsfProvenantUnmapped {
  /** The CloudEvents `type`, or `provenant.anomaly` for a finding. */
  event_type: EventType | 'provenant.anomaly';
  /** Origin first, then each delegate, then the token's `act` claims outermost first. */
  chain?: OcsfChainLink[];
  on_behalf_of?: OcsfUnmappedPrincipal;
  target_tenant?: string;
  parent_hop_id?: string;
  traceparent?: string;
  grant_type?: string;
  change?: PrincipalChangedData['change'];
  effective_at?: string;
  revoked_at?: string;
  rule?: string;
  /** A finding's verdict (OPEN, WITHDRAWN) and version: the latest version is its state. */
  verdict?: AnomalyVerdict;
  version?: number;
  token?: TokenRef;
  subject_token?: TokenRef;
  actor_token?: TokenRef;
  issued_token?: TokenRef;
}

export interface OcsfUnmapped {
  provenant: OcsfProvenantUnmapped;
}

/** Which class and activity a record is: `type_uid` = `class_uid` × 100 + `activity_id`. */
export interface OcsfClassAttributes<ClassUid extends number> {
  activity_id: number;
  activity_name: string;
  category_uid: number;
  category_name: string;
  class_uid: ClassUid;
  class_name: string;
  type_uid: number;
  type_name: string;
}

/** The attributes every class shares (base event). */
interface OcsfBase<ClassUid extends number> extends OcsfClassAttributes<ClassUid> {
  severity_id: number;
  severity: string;
  time: number;
  metadata: OcsfMetadata;
  message?: string;
  status_id?: number;
  status?: string;
  status_detail?: string;
  unmapped: OcsfUnmapped;
}

export interface OcsfApiActivity extends OcsfBase<6003> {
  actor: OcsfActor;
  api: OcsfApi;
  src_endpoint: OcsfNetworkEndpoint;
  dst_endpoint: OcsfNetworkEndpoint;
  resources?: OcsfResource[];
  trace?: { uid: string };
}

export interface OcsfAuthentication extends OcsfBase<3002> {
  actor: OcsfActor;
  user: OcsfUser;
  service: OcsfService;
  auth_protocol_id: number;
  auth_protocol: string;
  account_switch_type_id: number;
  account_switch_type: string;
  authentication_token: OcsfToken;
}

export interface OcsfEntityManagement extends OcsfBase<3004> {
  entity: OcsfManagedEntity;
  comment?: string;
}

export interface OcsfAccountChange extends OcsfBase<3001> {
  user: OcsfUser;
}

export interface OcsfDetectionFinding extends OcsfBase<2004> {
  finding_info: OcsfFindingInfo;
  is_alert: boolean;
  evidences?: OcsfEvidence[];
}

/** One OCSF record of the `ocsf` export format. */
export type OcsfRecord =
  | OcsfApiActivity
  | OcsfAuthentication
  | OcsfEntityManagement
  | OcsfAccountChange
  | OcsfDetectionFinding;
