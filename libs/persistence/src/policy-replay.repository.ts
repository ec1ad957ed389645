import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@app/graph';
import { DatabaseService } from './database.service';
import { scopeParam } from './scope-param';
import { clientOf, transactionOn, type Transaction } from './transaction';

/** SQLSTATE of a statement cancelled by its timeout. */
const QUERY_CANCELED = '57014';

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
   * Requests with a hop or an exchange `scope` may see whose time is in [since, until),
   * after request id `after`, in request id order.
   */
  async requestPage(
    snapshot: Transaction,
    scope: TenantScope,
    window: { since: Date; until: Date },
    after: string | null,
    limit: number,
  ): Promise<string[]> {
    const { rows } = await clientOf(snapshot).query<{ request_id: string }>(
      `SELECT request_id FROM (
         SELECT request_id FROM hops
         WHERE ($1::text[] IS NULL OR tenant = ANY($1) OR target_tenant = ANY($1))
           AND occurred_at >= $2 AND occurred_at < $3
         UNION
         SELECT request_id FROM token_exchanges
         WHERE ($1::text[] IS NULL OR tenant = ANY($1)) AND occurred_at >= $2 AND occurred_at < $3
       ) seen
       WHERE $4::text IS NULL OR request_id > $4
       ORDER BY request_id LIMIT $5`,
      [scopeParam(scope), window.since, window.until, after, limit],
    );
    return rows.map((row) => row.request_id);
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
