import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service';
import { clientOf } from './transaction';

// Serialises sequencing across every ingestor: positions are assigned, and become visible,
// in one order, so a reader that saw position N has seen every position below N.
export const LEDGER_ORDER_LOCK = 0x6c656467;

/**
 * The ledger's append order. A batch queues the events it stored (EventStoreRepository);
 * after commit, `sequence` gives the queued events the next positions, oldest first.
 */
/** Events placed, or another process holds the sequencing turn. */
export type SequenceResult = { placed: number } | { busy: true };

@Injectable()
export class LedgerRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Places up to `limit` queued events; `busy` when another process holds the turn. */
  async sequence(limit: number): Promise<SequenceResult> {
    return this.database.transaction(async (tx) => {
      const client = clientOf(tx);
      const lock = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1) AS ok',
        [LEDGER_ORDER_LOCK],
      );
      if (!lock.rows[0]?.ok) return { busy: true };
      const result = await client.query(
        `WITH next AS (
           SELECT event_id FROM ledger_queue ORDER BY event_id LIMIT $1
         ), head AS (
           SELECT coalesce(max(leaf_index), -1) AS leaf_index FROM ledger_entries
         ), placed AS (
           INSERT INTO ledger_entries (leaf_index, event_id, tenant, target_tenant)
           SELECT head.leaf_index + row_number() OVER (ORDER BY e.id), e.id, e.tenant, e.target_tenant
           FROM next JOIN events e ON e.id = next.event_id CROSS JOIN head
           RETURNING event_id
         )
         DELETE FROM ledger_queue WHERE event_id IN (SELECT event_id FROM placed)`,
        [limit],
      );
      return { placed: result.rowCount ?? 0 };
    });
  }

  /** How many stored events wait for their place, for metrics. */
  async pending(): Promise<number> {
    return this.database.prisma.ledgerQueue.count();
  }
}
