import { anomalyEvent, type EventType } from '@app/contract';
import type { AnomalyTriage, AnomalyVerdict, Severity } from '@app/graph';
import type { ExportAnomalyRow, ExportEventRow } from '@app/persistence';
import type { ExportedAnomaly, ExportedEvent } from './export-record';

/** A streamed event row as the record every format reads. */
export function exportedEvent(row: ExportEventRow): ExportedEvent {
  return {
    specversion: '1.0',
    id: row.ceId,
    source: row.source,
    type: row.type as EventType,
    time: row.time,
    tenantid: row.tenant,
    ...(row.traceparent === null ? {} : { traceparent: row.traceparent }),
    data: JSON.parse(row.data) as never,
    uid: row.uid,
    receivedAt: row.receivedAt,
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

const text = (value: string): string => JSON.stringify(value);

/**
 * An event as one NDJSON line: the stored CloudEvent, with Provenant's id of it and when it
 * was stored as the extension attributes `provenantuid` and `provenantreceivedat` (CloudEvents
 * extension names are lower-case letters and digits). The stored `data` text is copied as it
 * is, never parsed and re-serialised: this runs for every record of an export.
 */
export function ndjsonEventLine(row: ExportEventRow): string {
  const trace = row.traceparent === null ? '' : `,"traceparent":${text(row.traceparent)}`;
  return (
    `{"specversion":"1.0","id":${text(row.ceId)},"source":${text(row.source)},"type":${text(row.type)}` +
    `,"time":"${row.time}","tenantid":${text(row.tenant)}${trace}` +
    `,"provenantuid":"${row.uid}","provenantreceivedat":"${row.receivedAt}"` +
    `,"datacontenttype":"application/json","data":${row.data}}`
  );
}

/** An anomaly as one NDJSON line: the CloudEvent the anomaly topic carries. */
export const ndjsonAnomalyLine = (row: ExportAnomalyRow): string =>
  JSON.stringify(anomalyEvent(exportedAnomaly(row)));
