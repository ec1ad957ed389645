import type { LifecycleAuthorities } from '@app/contract';
import { LedgerIntegrator } from '@app/ledger';
import {
  AnomalyRepository,
  DatabaseService,
  EventStoreRepository,
  ExportRepository,
  HopParentWaitRepository,
  LedgerRepository,
  OutboxRepository,
  PolicyReplayRepository,
  PrincipalRepository,
  RequestGraphRepository,
  SuppressionRepository,
  TokenRepository,
  type AnomalyRow,
  type DeadLetterRow,
  type EventGraph,
} from '@app/persistence';

/** The database the persistence tier's global set-up created for this run. */
export function persistenceDatabaseUrl(): string {
  const url = process.env.PERSISTENCE_TEST_DATABASE_URL;
  if (!url)
    throw new Error(
      'PERSISTENCE_TEST_DATABASE_URL is unset: run with --selectProjects persistence',
    );
  return url;
}

/**
 * The repositories on their own pool, wired as PersistenceModule wires them, and a count of
 * the statements the pool sent (to prove set-based access: a fixed number per call).
 */
export function openStore({
  url = persistenceDatabaseUrl(),
  authorities = {},
  applicationName = 'provenant-persistence-test',
}: { url?: string; authorities?: LifecycleAuthorities; applicationName?: string } = {}) {
  let statements = 0;
  const database = new DatabaseService({
    url,
    poolSize: 3,
    applicationName,
    onQuery: () => (statements += 1),
  });
  const events = new EventStoreRepository();
  const ledger = new LedgerRepository(database);
  return {
    database,
    events,
    graphs: new RequestGraphRepository(database, authorities),
    anomalies: new AnomalyRepository(database),
    principals: new PrincipalRepository(database),
    tokens: new TokenRepository(database, authorities),
    outbox: new OutboxRepository(database),
    ledger,
    integrator: new LedgerIntegrator(database, ledger),
    waits: new HopParentWaitRepository(database),
    exports: new ExportRepository(database),
    replay: new PolicyReplayRepository(database),
    suppressions: new SuppressionRepository(database),
    statements: (): number => statements,
    /** One batch in one transaction, as the ingest use case stores it (rules aside). */
    store: (graphs: EventGraph[], deadLetters: DeadLetterRow[] = []) =>
      database.transaction((tx) => events.storeBatch(tx, { graphs, deadLetters })),
    raise: (rows: AnomalyRow[]) =>
      database.transaction((tx) =>
        events.recordVerdicts(tx, { found: rows, evaluated: [], rules: [] }),
      ),
    /** What the rules found on `evaluated` requests: new, reopened and withdrawn verdicts. */
    judge: (found: AnomalyRow[], evaluated: string[], rules: string[]) =>
      database.transaction((tx) => events.recordVerdicts(tx, { found, evaluated, rules })),
    /** Plain SQL, for what no repository reads back (the rows as stored). */
    sql: <R extends object>(text: string, values: unknown[] = []) =>
      database.pool.query<R & Record<string, unknown>>(text, values).then((result) => result.rows),
    close: () => database.onApplicationShutdown(),
  };
}

export type Store = ReturnType<typeof openStore>;

/** An anomaly row of `tenant` with a unique dedupe key. */
export function anomalyRow(
  tenant: string,
  overrides: Partial<AnomalyRow> & { dedupeKey: string },
): AnomalyRow {
  return {
    rule: 'SHARED_TOKEN',
    severity: 'HIGH',
    requestId: null,
    tenant,
    targetTenant: null,
    summary: `anomaly ${overrides.dedupeKey}`,
    details: { test: true },
    ...overrides,
  };
}

/** The graph rows as stored, read back with plain SQL (no repository returns them as such). */
export function storedRows(store: Store) {
  const principals = (reporter: string) =>
    store.sql<{ tenant: string; subject: string; kind: string; display_name: string | null }>(
      `SELECT tenant, subject, kind::text, display_name FROM principals WHERE reporter = $1 ORDER BY subject`,
      [reporter],
    );
  const token = (reporter: string, key: string) =>
    store
      .sql<{
        tenant: string;
        scopes: string[];
        expires_at: Date | null;
        parent_key: string | null;
        revoked_at: Date | null;
        revoke_reason: string | null;
      }>(
        `SELECT tenant, scopes, expires_at, parent_key, revoked_at, revoke_reason FROM tokens
         WHERE reporter = $1 AND key = $2`,
        [reporter, key],
      )
      .then((rows) => rows[0]);
  const hops = (requestId: string) =>
    store.sql<{ tenant: string; hop_id: string; actor: string; reporter: string; event: string }>(
      `SELECT h.tenant, h.hop_id, a.subject AS actor, a.reporter, e.ce_id AS event
       FROM hops h JOIN principals a ON a.id = h.actor_id JOIN events e ON e.id = h.event_id
       WHERE h.request_id = $1 ORDER BY h.tenant, h.hop_id`,
      [requestId],
    );
  return { principals, token, hops };
}
