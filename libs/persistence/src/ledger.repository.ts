import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service';
import { isoText } from './iso-text.sql';
import { clientOf, type Transaction } from './transaction';

// Serialises sequencing across every ingestor: positions are assigned, and become visible,
// in one order, so a reader that saw position N has seen every position below N.
export const LEDGER_ORDER_LOCK = 0x6c656467;
// Serialises integration: leaves are written in position order, each once.
export const LEDGER_LEAVES_LOCK = 0x6c656166;

/** A placed event without its leaf yet, as stored. */
export interface LedgerEventRow {
  leafIndex: string;
  /** The store's id of the event. */
  uid: string;
  source: string;
  ceId: string;
  type: string;
  tenant: string;
  targetTenant: string | null;
  /** ISO 8601 in UTC with milliseconds, as `Date.toISOString` writes it. */
  time: string;
  traceparent: string | null;
  /** The stored data, as JSON text. */
  data: string;
  receivedAt: string;
}

/** A leaf to append: the event's canonical record and its hash. */
export interface LedgerLeafRow {
  leafIndex: string;
  tenant: string;
  targetTenant: string | null;
  eventTime: string;
  record: string;
  leafHash: Buffer;
}

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

  /** The integration turn for this transaction; false when another process holds it. */
  async takeIntegrationTurn(tx: Transaction): Promise<boolean> {
    const { rows } = await clientOf(tx).query<{ ok: boolean }>(
      'SELECT pg_try_advisory_xact_lock($1) AS ok',
      [LEDGER_LEAVES_LOCK],
    );
    return rows[0]?.ok === true;
  }

  /** The next placed events without a leaf, in position order (hold the turn first). */
  async nextToIntegrate(tx: Transaction, limit: number): Promise<LedgerEventRow[]> {
    const { rows } = await clientOf(tx).query<LedgerEventRow>(
      `SELECT l.leaf_index::text AS "leafIndex", e.id::text AS uid, e.source, e.ce_id AS "ceId", e.type,
              e.tenant, e.target_tenant AS "targetTenant", ${isoText('e.time')} AS time, e.traceparent,
              e.data::text AS data, ${isoText('e.received_at')} AS "receivedAt"
       FROM ledger_entries l JOIN events e ON e.id = l.event_id
       WHERE l.leaf_index > (SELECT coalesce(max(leaf_index), -1) FROM ledger_leaves)
       ORDER BY l.leaf_index LIMIT $1`,
      [limit],
    );
    return rows;
  }

  async appendLeaves(tx: Transaction, leaves: LedgerLeafRow[]): Promise<void> {
    if (leaves.length === 0) return;
    await clientOf(tx).query(
      `INSERT INTO ledger_leaves (leaf_index, tenant, target_tenant, event_time, record, leaf_hash)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::bytea[])`,
      [
        leaves.map((leaf) => leaf.leafIndex),
        leaves.map((leaf) => leaf.tenant),
        leaves.map((leaf) => leaf.targetTenant),
        leaves.map((leaf) => leaf.eventTime),
        leaves.map((leaf) => leaf.record),
        leaves.map((leaf) => leaf.leafHash),
      ],
    );
  }

  /** How many stored events are not yet leaves of the ledger (exports wait for them), for metrics. */
  async pending(): Promise<number> {
    const { rows } = await this.database.pool.query<{ pending: number }>(
      `SELECT ((SELECT count(*) FROM ledger_queue)
             + (SELECT coalesce(max(leaf_index), -1) FROM ledger_entries)
             - (SELECT coalesce(max(leaf_index), -1) FROM ledger_leaves))::int AS pending`,
    );
    return rows[0]?.pending ?? 0;
  }
}
