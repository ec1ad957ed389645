import type { LedgerEventRow } from '@app/persistence';
import canonicalize from 'canonicalize';

/**
 * The stored event as the ledger holds it, and as the NDJSON export serves it: the
 * CloudEvent as stored (validated, raw credentials already replaced by their fingerprints),
 * with Provenant's id of it and when it was stored as the extension attributes
 * `provenantuid` and `provenantreceivedat` (CloudEvents extension names are lower-case
 * letters and digits).
 */
export interface LedgerRecord {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  tenantid: string;
  traceparent?: string;
  datacontenttype: 'application/json';
  provenantuid: string;
  provenantreceivedat: string;
  data: unknown;
}

/**
 * The record's bytes: RFC 8785 (JSON Canonicalization Scheme) of the record, so that anyone
 * holding the record can recompute its leaf hash, whatever JSON library they parse it with.
 * Every field is a function of the stored row alone (timestamps as `Date.toISOString` writes
 * them, millisecond precision as stored), so the same row always gives the same bytes.
 */
export function ledgerRecord(row: LedgerEventRow): string {
  const record: LedgerRecord = {
    specversion: '1.0',
    id: row.ceId,
    source: row.source,
    type: row.type,
    time: row.time,
    tenantid: row.tenant,
    ...(row.traceparent === null ? {} : { traceparent: row.traceparent }),
    datacontenttype: 'application/json',
    provenantuid: row.uid,
    provenantreceivedat: row.receivedAt,
    data: JSON.parse(row.data) as unknown,
  };
  // Defined for every JSON value; the stored data is JSON text, so it is one.
  return canonicalize(record)!;
}

/** A record read back (an export line, a file an auditor holds). */
export const parseLedgerRecord = (text: string): LedgerRecord => JSON.parse(text) as LedgerRecord;
