// Investigation: the read-side use cases behind the API (provenance of a request,
// anomalies, a principal's actions, a token's lineage), always for a tenant scope.
export * from './investigation.service';
export * from './investigation.module';
export * from './feed-subscription';
