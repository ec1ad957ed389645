import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/** The API's metrics, one registry served at /metrics. */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly databaseQueries = new Counter({
    name: 'provenant_db_queries_total',
    help: 'SQL statements sent to PostgreSQL',
    registers: [this.registry],
  });

  readonly exportRequests = new Counter({
    name: 'provenant_export_requests_total',
    help: 'Export pages requested, by export, format and outcome',
    labelNames: ['export', 'format', 'outcome'],
    registers: [this.registry],
  });
  readonly exportRecords = new Counter({
    name: 'provenant_export_records_total',
    help: 'Records sent by the exports',
    labelNames: ['export', 'format'],
    registers: [this.registry],
  });
  readonly exportBytes = new Counter({
    name: 'provenant_export_bytes_total',
    help: 'Body bytes sent by the exports',
    labelNames: ['export', 'format'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
