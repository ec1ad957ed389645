// The graph's vocabulary, spoken by every layer: what a severity, a principal kind, a
// decision, a token key and a tenant scope are, and the shape of a request's stored facts.
// The zod schemas, the SQL mappers and the GraphQL enums derive from it. No dependencies.
export * from './severity';
export * from './anomaly-status';
export * from './principal-kind';
export * from './decision';
export * from './token-key';
export * from './tenant-scope';
export * from './request-graph';
