import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the ingestor measures, on its /metrics. */
export class IngestorMetrics {
  readonly registry = new Registry();
  readonly consumed = new Counter({
    name: 'provenant_events_consumed_total',
    help: 'Messages read from Kafka',
    registers: [this.registry],
  });
  readonly stored = new Counter({
    name: 'provenant_events_stored_total',
    help: 'Events newly stored',
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: 'provenant_events_duplicate_total',
    help: 'Events already stored (same source and id)',
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'provenant_events_dead_lettered_total',
    help: 'Dead letters published to the dead-letter topic, by reason',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly anomalies = new Counter({
    name: 'provenant_anomalies_raised_total',
    help: 'Anomalies published to the anomaly topic',
    labelNames: ['rule'],
    registers: [this.registry],
  });
  readonly batchSeconds = new Histogram({
    name: 'provenant_ingest_batch_seconds',
    help: 'Time to decode, store and commit one batch',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly lag = new Gauge({
    name: 'provenant_consumer_lag',
    help: "Messages between the group's committed offset and the partition high watermark (measured on a timer)",
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });
  readonly stalledSeconds = new Gauge({
    name: 'provenant_partition_stalled_seconds',
    help: "Seconds since the group's committed offset last moved while the partition had lag (0 when caught up)",
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });
  readonly stalled = new Gauge({
    name: 'provenant_partition_stalled',
    help: '1 when a partition with lag has not advanced for INGESTOR_STALL_AFTER_MS',
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });
  readonly oldestUnprocessedAge = new Gauge({
    name: 'provenant_consumer_oldest_unprocessed_age_seconds',
    help: 'Age (Kafka timestamp) of the oldest message this process holds uncommitted, per partition (0 when none)',
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });
  readonly storageRetries = new Counter({
    name: 'provenant_storage_retries_total',
    help: 'Batches retried after a transient storage failure',
    registers: [this.registry],
  });
  readonly outboxPending = new Gauge({
    name: 'provenant_outbox_pending',
    help: 'Anomalies and dead letters stored but not yet acknowledged by the broker',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly outboxFailures = new Counter({
    name: 'provenant_outbox_publish_failures_total',
    help: 'Outbox publish attempts that failed (retried on the next tick)',
    registers: [this.registry],
  });

  readonly ledgerPending = new Gauge({
    name: 'provenant_ledger_pending',
    help: 'Events stored but not yet leaves of the ledger (placed in its order and hashed; exports wait for them)',
    registers: [this.registry],
  });
  readonly ledgerFailures = new Counter({
    name: 'provenant_ledger_sequence_failures_total',
    help: 'Sequencing or integration attempts that failed (retried on the next tick)',
    registers: [this.registry],
  });

  readonly ledgerCheckpointSize = new Gauge({
    name: 'provenant_ledger_checkpoint_size',
    help: 'Tree size of the last checkpoint this process signed',
    registers: [this.registry],
  });
  readonly ledgerIntegrityOk = new Gauge({
    name: 'provenant_ledger_integrity_ok',
    help: '1 when the last integrity check found the stored ledger as signed, 0 when it did not',
    registers: [this.registry],
  });
  readonly ledgerIntegrityProblems = new Counter({
    name: 'provenant_ledger_integrity_problems_total',
    help: 'Disagreements between the stored ledger and what was recorded or signed (tampering)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
