import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service';
import { clientOf, type Transaction } from './transaction';

/** How many hops wait for their parent, and how many of them are past their grace. */
export interface HopParentWaitCounts {
  waiting: number;
  due: number;
}

/**
 * The hops waiting for their parent hop (rows written by EventStoreRepository as hops are
 * stored). Their requests are judged again once the grace has passed: `claimDue` hands each
 * due wait to exactly one transaction, whichever ingestor runs it.
 */
@Injectable()
export class HopParentWaitRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Removes up to `limit` waits whose grace (`graceMs` since the hop arrived, on the
   * database's clock) has passed, and returns their requests. In the caller's transaction,
   * which judges those requests: if it fails, the waits come back. Rows another transaction
   * holds are skipped, so ingestors sweeping at once never take the same wait.
   */
  async claimDue(tx: Transaction, graceMs: number, limit: number): Promise<string[]> {
    const { rows } = await clientOf(tx).query<{ request_id: string }>(
      `WITH due AS (
         SELECT tenant, request_id, hop_id FROM hop_parent_waits
         WHERE arrived_at <= now() - $1 * interval '1 millisecond'
         ORDER BY arrived_at LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       DELETE FROM hop_parent_waits w USING due d
       WHERE w.tenant = d.tenant AND w.request_id = d.request_id AND w.hop_id = d.hop_id
       RETURNING w.request_id`,
      [graceMs, limit],
    );
    return [...new Set(rows.map((row) => row.request_id))];
  }

  /** For metrics: the waits, and those past their grace (the sweeper's backlog). */
  async counts(graceMs: number): Promise<HopParentWaitCounts> {
    const { rows } = await this.database.pool.query<{ waiting: string; due: string }>(
      `SELECT count(*) AS waiting,
              count(*) FILTER (WHERE arrived_at <= now() - $1 * interval '1 millisecond') AS due
       FROM hop_parent_waits`,
      [graceMs],
    );
    return { waiting: Number(rows[0].waiting), due: Number(rows[0].due) };
  }
}
