// The `ocsf` export format: one OCSF 1.8.0 record per stored event or anomaly. Pure and
// cheap, it runs for every exported record. docs/ocsf-mapping.md is the mapping table and
// says why each class was chosen; ocsf-1.8.0.schema.json is what the records are checked against.
import { ACTION_PERFORMED, PRINCIPAL_CHANGED, TOKEN_EXCHANGED, TOKEN_REVOKED } from '@app/contract';
import { cefAnomalyName } from '../cef/cef-line';
import type { ExportedAnomaly, ExportedEvent } from '../export-record';
import { actionPerformed } from './ocsf-activity.mapper';
import { principalChanged, tokenExchanged, tokenRevoked } from './ocsf-identity.mapper';
import { PROVENANT_OCSF_PRODUCT, classAttributes, epochMs } from './ocsf-objects';
import type { OcsfDetectionFinding, OcsfProduct, OcsfRecord } from './ocsf-record';
import {
  ANALYTIC_RULE,
  ANOMALY_SEVERITIES,
  DETECTION_FINDING,
  DETECTION_FINDING_ACTIVITIES,
  FINDING_STATUSES,
  OCSF_VERSION,
} from './ocsf-vocabulary';

/** A stored event as one OCSF record. `product` is built once per export (`ocsfProduct`). */
export function toOcsfEvent(
  event: ExportedEvent,
  product: OcsfProduct = PROVENANT_OCSF_PRODUCT,
): OcsfRecord {
  switch (event.type) {
    case ACTION_PERFORMED:
      return actionPerformed(event, product);
    case TOKEN_EXCHANGED:
      return tokenExchanged(event, product);
    case TOKEN_REVOKED:
      return tokenRevoked(event, product);
    case PRINCIPAL_CHANGED:
      return principalChanged(event, product);
  }
}

/** A stored anomaly as one OCSF Detection Finding. */
export function toOcsfAnomaly(
  anomaly: ExportedAnomaly,
  product: OcsfProduct = PROVENANT_OCSF_PRODUCT,
): OcsfDetectionFinding {
  const severity = ANOMALY_SEVERITIES[anomaly.severity];
  const detectedAt = epochMs(anomaly.detectedAt);
  const changedAt = epochMs(anomaly.changedAt);
  // Detection creates the finding; a withdrawal closes it; any other change updates it.
  const activity =
    anomaly.version === 1
      ? DETECTION_FINDING_ACTIVITIES.create
      : anomaly.verdict === 'WITHDRAWN'
        ? DETECTION_FINDING_ACTIVITIES.close
        : DETECTION_FINDING_ACTIVITIES.update;
  const status = FINDING_STATUSES[anomaly.triage];
  const statusDetail = [
    anomaly.verdict === 'WITHDRAWN' ? `Withdrawn: ${anomaly.verdictReason ?? ''}` : undefined,
    anomaly.triage === 'FALSE_POSITIVE' ? 'False positive' : undefined,
    anomaly.suppressedBy === null ? undefined : `Suppressed by suppression ${anomaly.suppressedBy}`,
  ].filter((part) => part !== undefined);
  return {
    severity_id: severity.id,
    severity: severity.caption,
    time: changedAt,
    metadata: {
      version: OCSF_VERSION,
      product,
      uid: anomaly.id,
      correlation_uid: anomaly.requestId ?? undefined,
      tenant_uid: anomaly.tenant,
    },
    message: anomaly.summary,
    status_id: status.id,
    status: status.caption,
    status_detail: statusDetail.length > 0 ? statusDetail.join('; ') : undefined,
    // A suppressed finding is kept for the record but raises no alert.
    is_alert: anomaly.suppressedBy === null,
    finding_info: {
      uid: anomaly.id,
      title: cefAnomalyName(anomaly.rule),
      desc: anomaly.summary,
      types: [anomaly.rule],
      created_time: detectedAt,
      modified_time: anomaly.version === 1 ? undefined : changedAt,
      analytic: {
        uid: anomaly.rule,
        name: anomaly.rule,
        type_id: ANALYTIC_RULE.id,
        type: ANALYTIC_RULE.caption,
      },
    },
    evidences:
      anomaly.details === undefined || anomaly.details === null
        ? undefined
        : [{ data: anomaly.details }],
    unmapped: {
      provenant: {
        event_type: 'provenant.anomaly',
        rule: anomaly.rule,
        target_tenant: anomaly.targetTenant ?? undefined,
        verdict: anomaly.verdict,
        version: anomaly.version,
      },
    },
    ...classAttributes(DETECTION_FINDING, activity),
  };
}
