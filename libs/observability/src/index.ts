// Observability: JSON logs (pino), Prometheus metrics and the health endpoints every
// Provenant process exposes.
export * from './logger';
export * from './health.controller';
