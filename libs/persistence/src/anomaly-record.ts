import type { AnomalyTriage, AnomalyVerdict, Severity } from '@app/graph';
import type { Anomaly as AnomalyModel } from './generated/prisma/client';
import type { StoredAnomaly } from './graph-rows';

/**
 * An anomalies row as the set-based statements select it (ANOMALY_COLUMNS) or as Prisma
 * reads it, and its domain shape. The SQL ids come back as text under their own names:
 * sort by the table's columns (`anomalies.id`), never by the output names, or "10" sorts
 * before "8".
 */
export const ANOMALY_COLUMNS =
  'id::text, rule, severity, request_id, tenant, target_tenant, dedupe_key, summary, details, detected_at, feed_seq::text, verdict, verdict_reason, triage, version, changed_at, suppressed_by::text';

export interface AnomalyRecord {
  id: string;
  rule: string;
  severity: Severity;
  request_id: string | null;
  tenant: string;
  target_tenant: string | null;
  dedupe_key: string;
  summary: string;
  details: unknown;
  detected_at: Date;
  feed_seq: string | null;
  verdict: AnomalyVerdict;
  verdict_reason: string | null;
  triage: AnomalyTriage;
  version: number;
  changed_at: Date;
  suppressed_by: string | null;
}

export const toAnomaly = (row: AnomalyRecord): StoredAnomaly => ({
  id: row.id,
  rule: row.rule,
  severity: row.severity,
  requestId: row.request_id,
  tenant: row.tenant,
  targetTenant: row.target_tenant,
  dedupeKey: row.dedupe_key,
  summary: row.summary,
  details: row.details,
  detectedAt: row.detected_at,
  feedSeq: row.feed_seq,
  verdict: row.verdict,
  verdictReason: row.verdict_reason,
  triage: row.triage,
  version: row.version,
  changedAt: row.changed_at,
  suppressedBy: row.suppressed_by,
});

export const fromAnomalyModel = (row: AnomalyModel): StoredAnomaly => ({
  id: row.id.toString(),
  rule: row.rule,
  severity: row.severity,
  requestId: row.requestId,
  tenant: row.tenant,
  targetTenant: row.targetTenant,
  dedupeKey: row.dedupeKey,
  summary: row.summary,
  details: row.details,
  detectedAt: row.detectedAt,
  feedSeq: row.feedSeq?.toString() ?? null,
  verdict: row.verdict,
  verdictReason: row.verdictReason,
  triage: row.triage,
  version: row.version,
  changedAt: row.changedAt,
  suppressedBy: row.suppressedBy?.toString() ?? null,
});
