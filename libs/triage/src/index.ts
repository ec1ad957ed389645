// Triage: what analysts do with anomalies (triage them, read their history) and what
// admins decide about them (suppressions), always for a tenant scope.
export * from './triage-input';
export * from './triage.service';
export * from './suppression.service';
export * from './triage.module';
