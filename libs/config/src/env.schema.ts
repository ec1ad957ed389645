import {
  DEFAULT_ANOMALY_TOPIC,
  DEFAULT_CHECKPOINT_TOPIC,
  DEFAULT_LIMITS,
  DEFAULT_TOPIC,
} from '@app/contract';
import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import { checkKafkaSecurity, kafkaSecurityEnv } from './kafka-security.schema';

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const brokers = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port[,host:port...]')).min(1));
const topic = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'expected a Kafka topic name');
/** A JSON object of string arrays, such as `{"acme":["https://sts.acme.example"]}`. */
const jsonStringLists = z
  .string()
  .default('{}')
  .transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.array(z.string())));
const postgresUrl = z
  .string()
  .url()
  .refine((url) => /^postgres(ql)?:\/\//.test(url), 'expected a postgresql:// URL')
  .superRefine((url, ctx) => {
    // node-postgres reads these files for every new connection: one it cannot read is a
    // configuration error at start, not a storage failure later.
    const params = URL.canParse(url) ? new URL(url).searchParams : new URLSearchParams();
    for (const name of ['sslrootcert', 'sslcert', 'sslkey']) {
      const file = params.get(name);
      if (file === null) continue;
      try {
        accessSync(file, constants.R_OK);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        ctx.addIssue({ code: 'custom', message: `${name}: cannot read the file (${code})` });
      }
    }
  });

const commonEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** TLS through the URL, read by node-postgres: `?sslmode=verify-full&sslrootcert=<CA file>`
   *  (`sslcert`/`sslkey` for a client certificate). It verifies the server for `prefer`,
   *  `require` and `verify-ca` too (unlike libpq; `uselibpqcompat=true` gives libpq's
   *  meaning); only `no-verify` skips the check; `sslrootcert=system` is read as a file. */
  DATABASE_URL: postgresUrl.default('postgresql://postgres@127.0.0.1:5432/provenant'),
  DATABASE_POOL_SIZE: positiveInt.max(100).default(10),
  KAFKA_BROKERS: brokers.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('provenant'),
  KAFKA_TOPIC: topic.default(DEFAULT_TOPIC),
  KAFKA_ANOMALY_TOPIC: topic.default(DEFAULT_ANOMALY_TOPIC),
  /** Where the ledger's signed checkpoints are published (C2SP signed notes, text). */
  KAFKA_CHECKPOINT_TOPIC: topic.default(DEFAULT_CHECKPOINT_TOPIC),
  /** Partitions and replication of the topics a process creates when they are missing. */
  KAFKA_TOPIC_PARTITIONS: positiveInt.max(1000).default(6),
  KAFKA_REPLICATION_FACTOR: positiveInt.max(10).default(1),
  /** Tenants trusted to report revocations and lifecycle changes for another tenant's tokens
   *  and principals, besides that tenant itself, as JSON: `{"acme":["acme-hr"]}`. */
  LIFECYCLE_AUTHORITIES: jsonStringLists,
  /** TLS and SASL to the brokers (see kafka-security.schema.ts). */
  ...kafkaSecurityEnv,
});

/** Settings both processes share; the extensions below keep its checks across variables. */
export const commonEnvSchema = commonEnv.superRefine(checkKafkaSecurity);

export const ingestorEnvSchema = commonEnvSchema.extend({
  KAFKA_GROUP_ID: z.string().min(1).default('provenant-ingestor'),
  /** How long the group waits for a silent member (crashed) before giving its partitions away. */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300000).default(6000),
  /** After SIGTERM, how long the batch in hand may take before the process exits uncommitted. */
  SHUTDOWN_DEADLINE_MS: z.coerce.number().int().min(1000).max(600000).default(15000),
  /** A partition with lag whose committed offset has not moved for this long is stalled:
   *  /readyz answers 503 and `provenant_partition_stalled` is 1. */
  INGESTOR_STALL_AFTER_MS: z.coerce.number().int().min(1000).default(60000),
  /** How often lag is measured from committed offsets and high watermarks. */
  INGESTOR_LAG_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
  /** How often the outbox is checked for anomalies and dead letters left to publish. */
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).default(1000),
  /** Port of the ingestor's own /healthz, /readyz and /metrics. */
  INGESTOR_PORT: port.default(4001),
  MAX_EVENT_BYTES: positiveInt.default(DEFAULT_LIMITS.maxEventBytes),
  MAX_ACT_DEPTH: positiveInt.max(DEFAULT_LIMITS.maxActDepth).default(DEFAULT_LIMITS.maxActDepth),
  MAX_FUTURE_SKEW_MS: z.coerce.number().int().min(0).default(DEFAULT_LIMITS.maxFutureSkewMs),
  /** Create the topics (events, DLQ, anomalies) at start when they are missing. */
  KAFKA_CREATE_TOPICS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Anomaly policy: delegates allowed after the origin. */
  POLICY_MAX_DELEGATION_DEPTH: positiveInt.max(64).default(6),
  /** Anomaly policy: longest lifetime of a delegated token, in seconds. */
  POLICY_MAX_DELEGATED_LIFETIME_S: positiveInt.default(86400),
  /** Tenant pairs allowed to delegate across: `acme>acme-eu,globex>acme`. */
  POLICY_FEDERATION: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((pair) => pair.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(z.string().regex(/^[^>\s]+>[^>\s]+$/, 'expected from>to pairs separated by commas')),
    ),
  /** Trusted token issuers per tenant, as JSON: `{"acme":["https://sts.acme.example"]}`. */
  POLICY_TRUSTED_ISSUERS: jsonStringLists,
  /** How long a hop may wait for its parent hop (from its arrival) before UNTRACKED_HOP. */
  UNTRACKED_HOP_GRACE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600 * 1000)
    .default(5 * 60 * 1000),
  /** Whether this ingestor sequences the ledger, makes its leaves and signs its checkpoints
   *  (one ingestor at a time does, whichever takes the turn). `false`: it only stores and
   *  queues its events for an ingestor that does; with none, the ledger does not grow. */
  LEDGER_INTEGRATION: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** The ledger's signing key, as a C2SP/sumdb signer key (`PRIVATE+KEY+<name>+<id>+<key>`),
   *  or a file holding it. In development, the local key under .cache/dev-ledger. */
  LEDGER_SIGNING_KEY: z.string().min(1).optional(),
  LEDGER_SIGNING_KEY_FILE: z.string().min(1).optional(),
  /** The checkpoints' origin line; by default the signing key's name. */
  LEDGER_ORIGIN: z.string().regex(/^\S+$/, 'expected one word').optional(),
  /** A checkpoint is signed this often when the ledger grew... */
  LEDGER_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
  /** ...and at once when it grew by this many leaves. */
  LEDGER_CHECKPOINT_GROWTH: positiveInt.default(50_000),
  /** How often the integrity check runs, and how many leaves it recomputes each time. */
  LEDGER_SELF_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  LEDGER_SELF_CHECK_WINDOW: positiveInt.default(100_000),
});

/** Where the development key lives (see tools/infra/dev-keys.ts); never used in production. */
export const DEV_JWKS_FILE = '.cache/dev-auth/jwks.json';
/** The development ledger keys (see tools/infra/dev-keys.ts); never used in production. */
export const DEV_LEDGER_SIGNER_FILE = '.cache/dev-ledger/signer.key';
export const DEV_LEDGER_VERIFIER_FILE = '.cache/dev-ledger/verifier.key';

export const apiEnvSchema = commonEnvSchema
  .extend({
    PORT: port.default(4000),
    HOST: z.string().min(1).default('127.0.0.1'),
    AUTH_JWKS_URL: z
      .string()
      .url()
      .refine((url) => /^https?:\/\//.test(url), 'expected an http(s) URL')
      .optional(),
    AUTH_JWKS_FILE: z.string().min(1).optional(),
    AUTH_ISSUER: z.string().min(1).optional(),
    AUTH_AUDIENCE: z.string().min(1).optional(),
    GRAPHQL_MAX_DEPTH: positiveInt.max(64).default(12),
    /** Cost limit: each field costs its declared work (a reconstruction, a page) plus its children. */
    GRAPHQL_MAX_COMPLEXITY: positiveInt.default(2000),
    /** Aliases one operation may use (each alias can repeat a costly field). */
    GRAPHQL_MAX_ALIASES: positiveInt.max(1000).default(15),
    GRAPHQL_MAX_DIRECTIVES: positiveInt.max(1000).default(50),
    /** Lexical tokens one document may hold: parsing stops beyond. */
    GRAPHQL_MAX_TOKENS: positiveInt.max(100000).default(5000),
    HTTP_BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/, 'expected a size such as 100kb')
      .default('100kb'),
    /** Export requests one caller may make per EXPORT_RATE_WINDOW_MS; beyond, 429. */
    EXPORT_RATE_LIMIT: positiveInt.max(1_000_000).default(120),
    EXPORT_RATE_WINDOW_MS: positiveInt.max(86_400_000).default(60_000),
    /** The ledger's verifier key (`<name>+<id>+<key>`), or a file holding it; served at
     *  /v1/ledger/key. In development, the local key under .cache/dev-ledger. */
    LEDGER_VERIFIER_KEY: z.string().min(1).optional(),
    LEDGER_VERIFIER_KEY_FILE: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    // In development the demo's local key is trusted by default; production names its own.
    const production = env.NODE_ENV === 'production';
    if (env.AUTH_JWKS_URL && env.AUTH_JWKS_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_JWKS_FILE'],
        message: 'set AUTH_JWKS_URL or AUTH_JWKS_FILE, not both',
      });
    }
    if (production) {
      if (!env.AUTH_JWKS_URL && !env.AUTH_JWKS_FILE)
        ctx.addIssue({
          code: 'custom',
          path: ['AUTH_JWKS_URL'],
          message: 'required in production (or AUTH_JWKS_FILE)',
        });
      if (!env.AUTH_ISSUER)
        ctx.addIssue({ code: 'custom', path: ['AUTH_ISSUER'], message: 'required in production' });
      if (!env.AUTH_AUDIENCE)
        ctx.addIssue({
          code: 'custom',
          path: ['AUTH_AUDIENCE'],
          message: 'required in production',
        });
    }
  })
  .transform((env) => ({
    ...env,
    AUTH_JWKS_FILE: env.AUTH_JWKS_URL ? undefined : (env.AUTH_JWKS_FILE ?? DEV_JWKS_FILE),
    AUTH_ISSUER: env.AUTH_ISSUER ?? 'provenant-dev',
    AUTH_AUDIENCE: env.AUTH_AUDIENCE ?? 'provenant-api',
  }));

export type ApiEnv = z.infer<typeof apiEnvSchema>;
export type CommonEnv = z.infer<typeof commonEnvSchema>;
export type IngestorEnv = z.infer<typeof ingestorEnvSchema>;
