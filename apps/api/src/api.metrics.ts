import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

export class ApiMetrics {
  readonly registry = new Registry();
  readonly databaseQueries = new Counter({
    name: 'provenant_db_queries_total',
    help: 'SQL statements sent to PostgreSQL',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
