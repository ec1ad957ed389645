import type { KafkaSecurity } from '@app/config';
import { Kafka, logLevel, type IHeaders, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  /** TLS and SASL, as configured (`kafkaSecurity(config)`); `{}` is plain TCP. */
  security: KafkaSecurity;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose own logs go through the process's JSON logger. */
export function createKafka(options: KafkaClientOptions, logger: Logger): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  const { ssl, sasl } = options.security;
  if (typeof ssl === 'object' && !ssl.rejectUnauthorized) {
    kafkaLogger.warn(
      { clientId: options.clientId },
      "TLS without verifying the brokers' certificates: anyone on the path can read and alter the traffic",
    );
  }
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ssl,
    sasl: sasl && saslOptions(sasl),
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8 },
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        kafkaLogger[LEVELS[level] ?? 'info'](rest, message);
      },
  });
}

/** kafkajs types each mechanism apart. */
function saslOptions({
  mechanism,
  username,
  password,
}: NonNullable<KafkaSecurity['sasl']>): SASLOptions {
  switch (mechanism) {
    case 'plain':
      return { mechanism, username, password };
    case 'scram-sha-256':
      return { mechanism, username, password };
    case 'scram-sha-512':
      return { mechanism, username, password };
  }
}

/** Header values as strings (first value of a repeated header), names in lower case. */
export function headersToStrings(
  headers: IHeaders | undefined,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!headers) return out;
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) continue;
    out[name.toLowerCase()] = typeof value === 'string' ? value : value.toString('utf8');
  }
  return out;
}

/** Creates the topics that do not exist yet; an existing topic is left as it is. */
export async function ensureTopics(
  kafka: Kafka,
  topics: string[],
  numPartitions: number,
  replicationFactor: number,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
