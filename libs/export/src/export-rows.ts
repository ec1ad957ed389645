import { anomalyEvent, type EventType } from '@app/contract';
import { parseLedgerRecord } from '@app/ledger';
import type { AnomalyTriage, AnomalyVerdict, Severity } from '@app/graph';
import type { ExportAnomalyRow, ExportEventRow } from '@app/persistence';
import type { ExportedAnomaly, ExportedEvent } from './export-record';

/** A streamed event row as the record every format reads: its ledger record, parsed. */
export function exportedEvent(row: ExportEventRow): ExportedEvent {
  const record = parseLedgerRecord(row.record);
  return {
    specversion: '1.0',
    id: record.id,
    source: record.source,
    type: record.type as EventType,
    time: record.time,
    tenantid: record.tenantid,
    ...(record.traceparent === undefined ? {} : { traceparent: record.traceparent }),
    data: record.data as never,
    uid: record.provenantuid,
    receivedAt: record.provenantreceivedat,
  };
}

export function exportedAnomaly(row: ExportAnomalyRow): ExportedAnomaly {
  return {
    id: row.id,
    rule: row.rule,
    severity: row.severity as Severity,
    requestId: row.requestId,
    tenant: row.tenant,
    targetTenant: row.targetTenant,
    summary: row.summary,
    details: JSON.parse(row.details) as unknown,
    detectedAt: row.detectedAt,
    verdict: row.verdict as AnomalyVerdict,
    verdictReason: row.verdictReason,
    triage: row.triage as AnomalyTriage,
    version: row.version,
    changedAt: row.changedAt,
    suppressedBy: row.suppressedBy,
  };
}

/**
 * An event as one NDJSON line: its ledger record exactly as stored, never parsed and
 * re-serialised (this runs for every record of an export), so a line's leaf hash is
 * SHA-256(0x00 || line) and an auditor can prove it against a checkpoint as it is.
 */
export const ndjsonEventLine = (row: ExportEventRow): string => row.record;

/** An anomaly as one NDJSON line: the CloudEvent the anomaly topic carries. */
export const ndjsonAnomalyLine = (row: ExportAnomalyRow): string =>
  JSON.stringify(anomalyEvent(exportedAnomaly(row)));
