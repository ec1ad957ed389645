// Export: the stored record in the formats SIEMs and auditors read (NDJSON, OCSF, CEF,
// W3C PROV-JSON), page by page in a stable order. The formats are pure functions of one
// record; the pages stream from the database with back-pressure.
export * from './export-record';
export * from './product';
export * from './export-formats';
export * from './export-rows';
export * from './export.service';
export * from './export.module';
export { toCefAnomaly, toCefEvent } from './cef/cef-line';
export { toOcsfAnomaly, toOcsfEvent } from './ocsf/ocsf.mapper';
export { OCSF_VERSION } from './ocsf/ocsf-vocabulary';
export type { OcsfRecord } from './ocsf/ocsf-record';
export { toProvDocument, type ProvDocumentInput } from './prov/prov-document';
export type { ProvJsonDocument } from './prov/prov-json.types';
