import { Injectable } from '@nestjs/common';
import { ANOMALY_COLUMNS, toAnomaly, type AnomalyRecord } from './anomaly-record';
import { DatabaseService } from './database.service';
import { clientOf } from './transaction';
import { decodeHeaders, type EncodedHeader } from './dead-letter-headers';
import type { DeadLetterRow, StoredAnomaly } from './graph-rows';

// Serialises anomaly publication across every ingestor: feed positions are then assigned,
// and become visible, in one order, so a reader that saw position N has seen all below N.
const ANOMALY_FEED_LOCK = 0x70726f76;

export interface PendingDeadLetter extends DeadLetterRow {
  id: string;
}

/** Nothing to do, some work done, or another process holds the publication turn. */
export type DrainResult = { published: number } | { busy: true };

/**
 * The outbox: anomalies and dead letters recorded by a batch's transaction, handed to a
 * publisher after commit and marked done only once the publisher returns (the broker
 * acknowledged). A crash in between publishes them again: delivery is at least once, and
 * every message carries a stable identity to dedupe on.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Publishes up to `limit` queued anomalies, oldest first, giving each its feed position:
   * the next after the last ever given (anomaly_feed_head), so a changed anomaly that held
   * the last position takes a later one, never the same again.
   * `publish` runs inside the transaction: if it throws, nothing is marked and the
   * anomalies stay queued.
   */
  async publishAnomalies(
    limit: number,
    publish: (anomalies: StoredAnomaly[]) => Promise<void>,
  ): Promise<DrainResult> {
    return this.database.transaction(async (tx) => {
      const client = clientOf(tx);
      const lock = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1) AS ok',
        [ANOMALY_FEED_LOCK],
      );
      if (!lock.rows[0]?.ok) return { busy: true };
      const { rows } = await client.query<AnomalyRecord>(
        `WITH next AS (
           SELECT anomaly_id, row_number() OVER (ORDER BY anomaly_id) AS n
           FROM anomaly_outbox ORDER BY anomaly_id LIMIT $1
         ), base AS (
           SELECT greatest((SELECT seq FROM anomaly_feed_head),
                           (SELECT coalesce(max(feed_seq), 0) FROM anomalies)) AS seq
         ), head AS (
           INSERT INTO anomaly_feed_head (id, seq)
           SELECT true, base.seq + (SELECT count(*) FROM next) FROM base
           ON CONFLICT (id) DO UPDATE SET seq = excluded.seq
         )
         UPDATE anomalies a SET feed_seq = base.seq + next.n
         FROM next, base WHERE a.id = next.anomaly_id
         RETURNING ${ANOMALY_COLUMNS.split(', ')
           .map((column) => `a.${column}`)
           .join(', ')}`,
        [limit],
      );
      if (rows.length === 0) return { published: 0 };
      const anomalies = rows.map(toAnomaly).sort((a, b) => Number(a.feedSeq) - Number(b.feedSeq));
      await publish(anomalies);
      await client.query('DELETE FROM anomaly_outbox WHERE anomaly_id = ANY($1::bigint[])', [
        anomalies.map((anomaly) => anomaly.id),
      ]);
      return { published: anomalies.length };
    });
  }

  /** Publishes up to `limit` recorded dead letters, oldest first; then keeps only the record. */
  async publishDeadLetters(
    limit: number,
    publish: (deadLetters: PendingDeadLetter[]) => Promise<void>,
  ): Promise<DrainResult> {
    return this.database.transaction(async (tx) => {
      const client = clientOf(tx);
      const { rows } = await client.query<
        Omit<PendingDeadLetter, 'headers'> & { headers: EncodedHeader[] | null }
      >(
        `SELECT id::text, topic, partition, "offset"::text, code, reason, key, value, headers
         FROM dead_letters WHERE published_at IS NULL
         ORDER BY dead_letters.id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return { published: 0 };
      await publish(rows.map((row) => ({ ...row, headers: decodeHeaders(row.headers ?? []) })));
      // The copy lives on in the dead-letter topic; the database keeps where and why.
      await client.query(
        `UPDATE dead_letters SET published_at = now(), key = NULL, value = NULL, headers = NULL
         WHERE id = ANY($1::bigint[])`,
        [rows.map((row) => row.id)],
      );
      return { published: rows.length };
    });
  }

  /** How much waits to be published, for metrics. */
  async pending(): Promise<{ anomalies: number; deadLetters: number }> {
    const { prisma } = this.database;
    const [anomalies, deadLetters] = await Promise.all([
      prisma.anomalyOutbox.count(),
      prisma.deadLetter.count({ where: { publishedAt: null } }),
    ]);
    return { anomalies, deadLetters };
  }
}
