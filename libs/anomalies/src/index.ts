// Anomaly rules: one small file per rule under rules/, evaluated on a request's stored
// facts through the provenance reconstruction. Pure: no I/O.
export * from './anomaly-rule';
export * from './evaluate-anomalies';
export * from './policy-dry-run';
export * from './anomaly-details';
export * from './suppression-match';
