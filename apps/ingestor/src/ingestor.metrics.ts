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
    help: 'Messages sent to the dead-letter topic, by reason',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly anomalies = new Counter({
    name: 'provenant_anomalies_raised_total',
    help: 'Anomalies raised',
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
    help: 'Messages between the last stored offset and the partition high watermark',
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
