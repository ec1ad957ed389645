// Observed hops (`provenant.action.performed`) as OCSF API Activity records.
import type { ACTION_PERFORMED, ActionPerformedData } from '@app/contract';
import {
  INFORMATIONAL,
  classAttributes,
  delegationChain,
  epochMs,
  eventMetadata,
  ocsfToken,
  ocsfUser,
  unmappedPrincipal,
  type EventOf,
} from './ocsf-objects';
import type { OcsfApiActivity, OcsfProduct } from './ocsf-record';
import {
  API_ACTIVITIES,
  API_ACTIVITY,
  OTHER_ID,
  RESOURCE_ROLE_TARGET,
  STATUS_FAILURE,
  STATUS_SUCCESS,
  type OcsfActivity,
} from './ocsf-vocabulary';

/** OCSF's API Activity verbs, from the verbs gateways report in `target.action`. */
const API_VERBS = new Map<string, OcsfActivity>([
  ...['create', 'post', 'insert', 'add'].map((verb) => [verb, API_ACTIVITIES.create] as const),
  ...[
    'read',
    'get',
    'list',
    'select',
    'query',
    'search',
    'fetch',
    'view',
    'lookup',
    'describe',
    'download',
    'export',
  ].map((verb) => [verb, API_ACTIVITIES.read] as const),
  ...['update', 'put', 'patch', 'write', 'modify', 'edit', 'set', 'replace'].map(
    (verb) => [verb, API_ACTIVITIES.update] as const,
  ),
  ...['delete', 'remove', 'destroy', 'purge', 'erase'].map(
    (verb) => [verb, API_ACTIVITIES.delete] as const,
  ),
]);

/** A hop's OCSF activity: a known verb, else Other named after the action, else Unknown. */
export function apiActivityOf(action: string | undefined): OcsfActivity {
  if (action === undefined) return API_ACTIVITIES.unknown;
  return API_VERBS.get(action.toLowerCase()) ?? API_ACTIVITIES.other;
}

/** The W3C trace id inside a `traceparent` (version-traceid-parentid-flags). */
const traceIdOf = (traceparent: string): string => traceparent.slice(3, 35);
const TRACE_PROFILES: readonly string[] = Object.freeze(['trace']);

export function actionPerformed(
  event: EventOf<typeof ACTION_PERFORMED>,
  product: OcsfProduct,
): OcsfApiActivity {
  const data: ActionPerformedData = event.data;
  const reporter = event.tenantid;
  const activity = apiActivityOf(data.target.action);
  const operation = data.target.action ?? data.tool?.name ?? 'unknown';
  const status = data.decision === 'allow' ? STATUS_SUCCESS : STATUS_FAILURE;
  const traceparent = event.traceparent;
  return {
    time: epochMs(event.time),
    metadata: eventMetadata(
      event,
      product,
      data.requestId,
      traceparent === undefined ? undefined : TRACE_PROFILES,
    ),
    message:
      `${data.actor.id}` +
      (data.onBehalfOf === undefined ? '' : ` on behalf of ${data.onBehalfOf.id}`) +
      `: ${operation} ${data.target.service} (${data.decision})`,
    status_id: status.id,
    status: status.caption,
    status_detail: data.reason,
    actor: { user: ocsfUser(data.actor, reporter), app_name: data.tool?.name },
    api: {
      operation,
      service: { name: data.target.service },
      request: { uid: data.hopId },
      token: data.token === undefined ? undefined : ocsfToken(data.token, reporter),
    },
    // Provenant sees principals, not network addresses: each end is named by what it is.
    src_endpoint: { name: data.actor.id, svc_name: data.tool?.server },
    dst_endpoint: { svc_name: data.target.service },
    resources:
      data.target.resource === undefined
        ? undefined
        : [
            {
              name: data.target.resource,
              role_id: RESOURCE_ROLE_TARGET.id,
              role: RESOURCE_ROLE_TARGET.caption,
            },
          ],
    trace: traceparent === undefined ? undefined : { uid: traceIdOf(traceparent) },
    unmapped: {
      provenant: {
        event_type: event.type,
        chain: delegationChain(reporter, data.onBehalfOf, data.actor, data.token),
        on_behalf_of:
          data.onBehalfOf === undefined ? undefined : unmappedPrincipal(data.onBehalfOf, reporter),
        target_tenant: data.target.tenant ?? reporter,
        parent_hop_id: data.parentHopId,
        traceparent,
        token: data.token,
      },
    },
    ...classAttributes(
      API_ACTIVITY,
      activity,
      activity.id === OTHER_ID ? operation : activity.caption,
    ),
    ...INFORMATIONAL,
  };
}
