import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@app/graph';
import { DatabaseService } from './database.service';
import { scopeParam } from './scope-param';
import { clientOf, transactionOn, type Transaction } from './transaction';

/** SQLSTATE of a statement cancelled by its timeout. */
const QUERY_CANCELED = '57014';

/** Where a replay reads on from: a phase (a tenant's own or aimed events) and a position. */
export interface ReplayCursor {
  phase: number;
  afterId: string;
}

/** An anomaly open now, by its identity (the dedupe key the rules give it). */
export interface OpenAnomalyRow {
  dedupeKey: string;
  rule: string;
  requestId: string;
  summary: string;
}

/**
 * Reads for a policy replay (a dry run): the requests a scope saw in a time window, page by
 * page, and its open anomalies on them. Everything is read in one read-only snapshot on a
 * connection of its own, with a statement timeout: plain reads take no lock that ingestion
 * waits for, and a replay never takes the judging lock ingestion takes.
 */
@Injectable()
export class PolicyReplayRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Runs `work` in a read-only, repeatable-read snapshot, then rolls it back. A statement
   * that outlives `statementTimeoutMs` is cancelled: the answer is then `'timed-out'`.
   */
  async inSnapshot<T>(
    statementTimeoutMs: number,
    work: (snapshot: Transaction) => Promise<T>,
  ): Promise<T | 'timed-out'> {
    const client = await this.database.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(
        `SET LOCAL statement_timeout = ${Math.max(1, Math.floor(statementTimeoutMs))}`,
      );
      return await work(transactionOn(client));
    } catch (error) {
      if ((error as { code?: unknown }).code === QUERY_CANCELED) return 'timed-out';
      throw error;
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  /**
   * The next page of requests with an event `scope` may see (its own, or one aimed at it)
   * whose time is in [since, until), and where to read on from (null: nothing is left).
   * Each of the scope's tenants is walked along the ledger's (tenant, id) and
   * (target_tenant, id) indexes in turn, so every page costs what it reads, however large
   * the store. A request with several events may come again in a later page.
   */
  async requestPage(
    snapshot: Transaction,
    scope: TenantScope,
    window: { since: Date; until: Date },
    cursor: ReplayCursor | null,
    limit: number,
  ): Promise<{ requestIds: string[]; next: ReplayCursor | null }> {
    const tenants = scopeParam(scope);
    // Phase 2k walks tenant k's own events, 2k + 1 the events aimed at it; one phase for all.
    const phases = tenants === null ? 1 : tenants.length * 2;
    let { phase, afterId } = cursor ?? { phase: 0, afterId: '0' };
    const ids = new Set<string>();
    while (phase < phases && ids.size < limit) {
      const column = tenants === null ? null : phase % 2 === 0 ? 'tenant' : 'target_tenant';
      const { rows } = await clientOf(snapshot).query<{ id: string; request_id: string }>(
        `SELECT id::text, request_id FROM events
         WHERE ${column === null ? 'TRUE' : `${column} = $5`} AND id > $1::bigint
           AND time >= $2 AND time < $3 AND request_id IS NOT NULL
         ORDER BY id LIMIT $4`,
        [afterId, window.since, window.until, limit, ...(tenants ? [tenants[phase >> 1]] : [])],
      );
      for (const row of rows) ids.add(row.request_id);
      if (rows.length < limit) {
        phase += 1;
        afterId = '0';
      } else afterId = rows[rows.length - 1].id;
    }
    return { requestIds: [...ids], next: phase < phases ? { phase, afterId } : null };
  }

  /** The anomalies of `rules` open now on `requestIds` that `scope` may see. */
  async openAnomalies(
    snapshot: Transaction,
    scope: TenantScope,
    requestIds: readonly string[],
    rules: readonly string[],
  ): Promise<OpenAnomalyRow[]> {
    if (requestIds.length === 0) return [];
    const { rows } = await clientOf(snapshot).query<OpenAnomalyRow>(
      `SELECT dedupe_key AS "dedupeKey", rule, request_id AS "requestId", summary FROM anomalies
       WHERE request_id = ANY($1::text[]) AND verdict = 'OPEN' AND rule = ANY($2::text[])
         AND ($3::text[] IS NULL OR tenant = ANY($3) OR target_tenant = ANY($3))
       ORDER BY id`,
      [[...requestIds], [...rules], scopeParam(scope)],
    );
    return rows;
  }
}
