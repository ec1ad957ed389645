// Persistence: the only place that talks to PostgreSQL (Prisma for the simple paths,
// set-based SQL for the hot ones).
export * from './database.service';
export type { Transaction } from './transaction';
export * from './graph-rows';
export * from './batch-rows';
export * from './event-store.repository';
export * from './persistence.module';
export * from './request-graph.repository';
export * from './anomaly.repository';
export * from './principal.repository';
export * from './token.repository';
export * from './outbox.repository';
export * from './ledger.repository';
export * from './hop-parent-wait.repository';
export * from './export.repository';
export { CursorLines, type RowsText } from './cursor-lines';
export * from './policy-replay.repository';
export * from './suppression.repository';
export * from './tenant-directory.repository';
export * from './request-search.repository';
export * from './storage-failure';
