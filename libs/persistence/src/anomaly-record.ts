import type { SeverityValue, StoredAnomaly } from './graph-rows';

/**
 * An anomalies row as selected by ANOMALY_COLUMNS, and its domain shape. The ids come back as
 * text under their own names: sort by the table's columns (`anomalies.id`), never by the
 * output names, or "10" sorts before "8".
 */
export const ANOMALY_COLUMNS =
  'id::text, rule, severity, request_id, tenant, target_tenant, dedupe_key, summary, details, detected_at, feed_seq::text';

export interface AnomalyRecord {
  id: string;
  rule: string;
  severity: SeverityValue;
  request_id: string | null;
  tenant: string;
  target_tenant: string | null;
  dedupe_key: string;
  summary: string;
  details: unknown;
  detected_at: Date;
  feed_seq: string | null;
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
});
