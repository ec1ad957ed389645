import type { Kafka } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { LEDGER_ORDER_LOCK } from '@app/persistence';

export interface PrincipalKey {
  tenant: string;
  issuer: string;
  subject: string;
}

export interface HeldLock {
  /** Backends waiting for this lock (an ingestor's batch in hand, stuck on it). */
  waiters(): Promise<number[]>;
  release(): Promise<void>;
}

/**
 * Holds a row lock on one principal of the test's own, so that an ingestor storing an event
 * that names it waits, with its batch in hand and its connection checked out: a way to catch
 * a process mid-batch without sleeping or patching it.
 */
export async function holdPrincipalLock(pool: Pool, principal: PrincipalKey): Promise<HeldLock> {
  await pool.query(
    `INSERT INTO principals (reporter, tenant, issuer, subject, kind) VALUES ($1, $1, $2, $3, 'agent')
     ON CONFLICT DO NOTHING`,
    [principal.tenant, principal.issuer, principal.subject],
  );
  const client: PoolClient = await pool.connect();
  await client.query('BEGIN');
  await client.query(
    // The tenant's own record (reporter = tenant): the one its own gateway's events name.
    'SELECT 1 FROM principals WHERE reporter = $1 AND tenant = $1 AND issuer = $2 AND subject = $3 FOR UPDATE',
    [principal.tenant, principal.issuer, principal.subject],
  );
  const holder = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]
    .pid;
  let released = false;
  return {
    waiters: async () =>
      (
        await pool.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
          [holder],
        )
      ).rows.map((row) => row.pid),
    release: async () => {
      if (released) return;
      released = true;
      await client.query('ROLLBACK');
      client.release();
    },
  };
}

/** The group's committed offset of every partition of `topic` (-1: nothing committed). */
export async function committedOffsets(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** The high watermark of every partition of `topic`. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** One sample of a Prometheus metric from a process's /metrics (0 when absent). */
export async function metricValue(port: number, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const escaped = `${name}${labels}`.replace(/[{}"]/g, (c) => `\\${c}`);
  const match = new RegExp(`^${escaped} ([0-9.e+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

/**
 * Holds the ledger's sequencing turn (the advisory lock every sequencer tries): events are
 * stored and queued, and wait for their place until `release`.
 */
export async function holdLedgerTurn(pool: Pool): Promise<{ release: () => Promise<void> }> {
  const client: PoolClient = await pool.connect();
  await client.query('SELECT pg_advisory_lock($1)', [LEDGER_ORDER_LOCK]);
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await client.query('SELECT pg_advisory_unlock($1)', [LEDGER_ORDER_LOCK]);
      client.release();
    },
  };
}
