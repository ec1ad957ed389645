import type { TenantScope } from '@app/graph';
import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service';
import { isoText } from './iso-text.sql';
import { scopeParam } from './scope-param';
import { clientOf, type Transaction } from './transaction';

// Serialises sequencing across every ingestor: positions are assigned, and become visible,
// in one order, so a reader that saw position N has seen every position below N.
export const LEDGER_ORDER_LOCK = 0x6c656467;
// Serialises integration: leaves are written in position order, each once.
export const LEDGER_LEAVES_LOCK = 0x6c656166;
// Serialises signing: checkpoints are signed in size order, each extending the last.
export const LEDGER_CHECKPOINT_LOCK = 0x6c656163;

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

/** A stored node of the ledger's tree: level 0 is a leaf's hash. */
export interface LedgerNodeRow {
  level: number;
  index: number;
  hash: Buffer;
}

/** A signed checkpoint as stored. */
export interface LedgerCheckpointRow {
  treeSize: number;
  rootHash: Buffer;
  note: string;
  signedAt: Date;
}

/** A leaf a caller may see: where it is and its hash. */
export interface VisibleLeaf {
  leafIndex: number;
  leafHash: Buffer;
  eventUid: string;
  record: string;
}

interface VisibleLeafRecord {
  leaf_index: string;
  leaf_hash: Buffer;
  event_id: string;
  record: string;
}

const toVisibleLeaf = (row: VisibleLeafRecord): VisibleLeaf => ({
  leafIndex: Number(row.leaf_index),
  leafHash: row.leaf_hash,
  eventUid: row.event_id,
  record: row.record,
});

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
    // The records go as one text, a record a line, split by the database: node-postgres
    // writes a text[] parameter by escaping each element (about 40 µs for a record of 700
    // bytes, a third of what the ledger cost the ingestor per event), a join costs nothing.
    // A canonical record never holds a line break (JSON escapes it in strings).
    if (leaves.some((leaf) => leaf.record.includes('\n')))
      throw new Error('ledger: a record with a line break is not canonical JSON');
    await clientOf(tx).query(
      `INSERT INTO ledger_leaves (leaf_index, tenant, target_tenant, event_time, record, leaf_hash)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[],
                            string_to_array($5::text, E'\n'), $6::bytea[])`,
      [
        leaves.map((leaf) => leaf.leafIndex),
        leaves.map((leaf) => leaf.tenant),
        leaves.map((leaf) => leaf.targetTenant),
        leaves.map((leaf) => leaf.eventTime),
        leaves.map((leaf) => leaf.record).join('\n'),
        leaves.map((leaf) => leaf.leafHash),
      ],
    );
  }

  /** Appends nodes of the tree (levels >= 1) completed by the leaves of the same transaction. */
  async appendNodes(tx: Transaction, nodes: LedgerNodeRow[]): Promise<void> {
    if (nodes.length === 0) return;
    await clientOf(tx).query(
      `INSERT INTO ledger_nodes (level, idx, hash)
       SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`,
      [nodes.map((n) => n.level), nodes.map((n) => n.index), nodes.map((n) => n.hash)],
    );
  }

  /** How many leaves the tree has: they are contiguous from 0. */
  async treeSize(tx?: Transaction): Promise<number> {
    const client = tx ? clientOf(tx) : this.database.pool;
    const { rows } = await client.query<{ size: string }>(
      'SELECT (coalesce(max(leaf_index), -1) + 1)::text AS size FROM ledger_leaves',
    );
    return Number(rows[0]?.size ?? 0);
  }

  /** The stored hashes of these nodes (level 0: leaves); a node not stored is left out. */
  async nodes(
    keys: Array<{ level: number; index: number }>,
    tx?: Transaction,
  ): Promise<LedgerNodeRow[]> {
    if (keys.length === 0) return [];
    const client = tx ? clientOf(tx) : this.database.pool;
    const { rows } = await client.query<{ level: number; idx: string; hash: Buffer }>(
      `SELECT k.level, k.idx::text, coalesce(n.hash, l.leaf_hash) AS hash
       FROM unnest($1::int[], $2::bigint[]) AS k(level, idx)
       LEFT JOIN ledger_nodes n ON k.level > 0 AND n.level = k.level AND n.idx = k.idx
       LEFT JOIN ledger_leaves l ON k.level = 0 AND l.leaf_index = k.idx
       WHERE coalesce(n.hash, l.leaf_hash) IS NOT NULL`,
      [keys.map((k) => k.level), keys.map((k) => k.index)],
    );
    return rows.map((row) => ({ level: row.level, index: Number(row.idx), hash: row.hash }));
  }

  /** The leaf of an event a scope may see, by leaf index or by the event's id; null otherwise. */
  async visibleLeaf(
    scope: TenantScope,
    leaf: { leafIndex: number } | { eventUid: string },
  ): Promise<VisibleLeaf | null> {
    const byIndex = 'leafIndex' in leaf;
    const { rows } = await this.database.pool.query<VisibleLeafRecord>(
      `SELECT v.leaf_index::text, v.leaf_hash, l.event_id::text, v.record
       FROM ledger_leaves v JOIN ledger_entries l ON l.leaf_index = v.leaf_index
       WHERE ${byIndex ? 'v.leaf_index = $2::bigint' : 'l.event_id = $2::bigint'}
         AND ($1::text[] IS NULL OR v.tenant = ANY($1::text[]) OR v.target_tenant = ANY($1::text[]))`,
      [scopeParam(scope), byIndex ? String(leaf.leafIndex) : leaf.eventUid],
    );
    return rows[0] ? toVisibleLeaf(rows[0]) : null;
  }

  /** The leaves of a request's events a scope may see, in leaf order. */
  async visibleLeavesOfRequest(scope: TenantScope, requestId: string): Promise<VisibleLeaf[]> {
    const { rows } = await this.database.pool.query<VisibleLeafRecord>(
      `SELECT v.leaf_index::text, v.leaf_hash, l.event_id::text, v.record
       FROM events e
       JOIN ledger_entries l ON l.event_id = e.id
       JOIN ledger_leaves v ON v.leaf_index = l.leaf_index
       WHERE e.request_id = $2
         AND ($1::text[] IS NULL OR v.tenant = ANY($1::text[]) OR v.target_tenant = ANY($1::text[]))
       ORDER BY v.leaf_index`,
      [scopeParam(scope), requestId],
    );
    return rows.map(toVisibleLeaf);
  }

  async latestCheckpoint(tx?: Transaction): Promise<LedgerCheckpointRow | null> {
    const client = tx ? clientOf(tx) : this.database.pool;
    const { rows } = await client.query<{
      tree_size: string;
      root_hash: Buffer;
      note: string;
      signed_at: Date;
    }>(
      'SELECT tree_size::text, root_hash, note, signed_at FROM ledger_checkpoints c ORDER BY c.tree_size DESC LIMIT 1',
    );
    const row = rows[0];
    return row
      ? {
          treeSize: Number(row.tree_size),
          rootHash: row.root_hash,
          note: row.note,
          signedAt: row.signed_at,
        }
      : null;
  }

  async storeCheckpoint(
    tx: Transaction,
    checkpoint: { treeSize: number; rootHash: Buffer; note: string },
  ): Promise<void> {
    await clientOf(tx).query(
      'INSERT INTO ledger_checkpoints (tree_size, root_hash, note) VALUES ($1, $2, $3)',
      [checkpoint.treeSize, checkpoint.rootHash, checkpoint.note],
    );
  }

  /** Signed checkpoints not yet acknowledged by the broker, oldest first. */
  async unpublishedCheckpoints(): Promise<Array<{ treeSize: number; note: string }>> {
    const { rows } = await this.database.pool.query<{ tree_size: string; note: string }>(
      'SELECT tree_size::text, note FROM ledger_checkpoints c WHERE c.published_at IS NULL ORDER BY c.tree_size LIMIT 100',
    );
    return rows.map((row) => ({ treeSize: Number(row.tree_size), note: row.note }));
  }

  async markCheckpointsPublished(sizes: number[]): Promise<void> {
    await this.database.pool.query(
      'UPDATE ledger_checkpoints SET published_at = now() WHERE tree_size = ANY($1::bigint[])',
      [sizes],
    );
  }

  /** The advisory turn of the checkpointer (one signer at a time across ingestors). */
  async takeCheckpointTurn(tx: Transaction): Promise<boolean> {
    const { rows } = await clientOf(tx).query<{ ok: boolean }>(
      'SELECT pg_try_advisory_xact_lock($1) AS ok',
      [LEDGER_CHECKPOINT_LOCK],
    );
    return rows[0]?.ok === true;
  }

  /**
   * Leaves [from, to) as stored, each with its event as stored now (null when the event row is
   * gone), for the integrity check to recompute.
   */
  async leavesWithEvents(
    from: number,
    to: number,
  ): Promise<Array<{ record: string; leafHash: Buffer; event: LedgerEventRow | null }>> {
    const { rows } = await this.database.pool.query<
      LedgerEventRow & { record: string; leaf_hash: Buffer; present: boolean }
    >(
      `SELECT v.leaf_index::text AS "leafIndex", v.record, v.leaf_hash, e.id IS NOT NULL AS present,
              e.id::text AS uid, e.source, e.ce_id AS "ceId", e.type, e.tenant, e.target_tenant AS "targetTenant",
              ${isoText('e.time')} AS time, e.traceparent, e.data::text AS data, ${isoText('e.received_at')} AS "receivedAt"
       FROM ledger_leaves v
       LEFT JOIN ledger_entries l ON l.leaf_index = v.leaf_index
       LEFT JOIN events e ON e.id = l.event_id
       WHERE v.leaf_index >= $1 AND v.leaf_index < $2
       ORDER BY v.leaf_index`,
      [from, to],
    );
    return rows.map(({ record, leaf_hash, present, ...event }) => ({
      record,
      leafHash: leaf_hash,
      event: present ? event : null,
    }));
  }

  /** The tree size and how many leaves are stored, read together (equal unless one was deleted). */
  async leafStats(): Promise<{ size: number; count: number }> {
    const { rows } = await this.database.pool.query<{ size: string; count: string }>(
      'SELECT (coalesce(max(leaf_index), -1) + 1)::text AS size, count(*)::text AS count FROM ledger_leaves',
    );
    return { size: Number(rows[0]?.size ?? 0), count: Number(rows[0]?.count ?? 0) };
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
