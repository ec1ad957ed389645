// The query benchmark's size and the shape of the graph it loads. BENCH_QUERY_SCALE scales
// the number of requests (250,000 at 1); BENCH_SMOKE=1 loads 800 requests (about 3,200
// hops) and measures 200 of them.
import { envNumber } from '../kit';

export const SCALE = envNumber('BENCH_QUERY_SCALE', 1, { smoke: 0.0032 });
export const REQUESTS = Math.max(100, Math.round(250_000 * SCALE));
export const SAMPLES = Math.min(
  Math.round(envNumber('BENCH_QUERY_SAMPLES', 2_000, { smoke: 200 })),
  REQUESTS,
);
export const WARMUP = Math.round(envNumber('BENCH_QUERY_WARMUP', 100, { smoke: 20 }));
export const SEED = Math.round(envNumber('BENCH_QUERY_SEED', 42));

export const TENANTS = [
  'acme',
  'globex',
  'initech',
  'umbrella',
  'hooli',
  'wayne',
  'stark',
  'wonka',
];
export const HUMANS = 400; // per tenant
export const DELEGATES = 150; // per tenant and delegate kind
export const KINDS = ['agent', 'tool', 'service', 'workload'];
export const SERVICES = [
  'crm-api',
  'billing-api',
  'vault',
  'warehouse',
  'calendar-api',
  'payments-api',
];
export const ACTIONS = ['read', 'list', 'update', 'export', 'execute'];
export const BASE_TIME = '2026-11-01T00:00:00Z';
export const LOAD_TABLES = [
  'events',
  'principals',
  'tokens',
  'requests',
  'token_exchanges',
  'hops',
  'anomalies',
];
