// Investigation: the read-side use cases behind the API (provenance of a request,
// anomalies, a principal's actions, a token's lineage, a policy dry run, searching requests
// and principals), always for a tenant scope.
export * from './investigation.service';
export * from './policy-dry-run.service';
export * from './investigation.module';
export * from './feed-subscription';
export * from './search-input';
export * from './search.service';
