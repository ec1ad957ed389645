// Transport security to the Kafka brokers: TLS (mutual if a client certificate is given)
// and SASL, from the environment. The files are read once, while the configuration is
// validated, so a missing or unreadable file stops the process at start with the
// variable's name, and nothing reads them again later.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { z } from 'zod';

export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** A file read at start-up: the text, never shown in a message. */
export interface ConfigFile {
  path: string;
  text: string;
}

/**
 * What a Kafka client needs to reach the brokers: plain TCP when both are absent.
 * `ssl: true` verifies the brokers against the system's CAs.
 */
export interface KafkaSecurity {
  ssl?: true | { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean };
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Reads the file named by the variable; `check` says what is wrong with its text, if anything. */
const fileOf = (check: (text: string) => string | undefined) =>
  z
    .string()
    .min(1)
    .transform((path, ctx): ConfigFile => {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        // The code only (ENOENT, EACCES, EISDIR): the message is about the file, not from it.
        const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        ctx.addIssue({ code: 'custom', message: `cannot read the file (${code})` });
        return z.NEVER;
      }
      const problem = check(text);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
      return { path, text };
    });

const certificates = fileOf((text) => {
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) return 'expected PEM certificates (-----BEGIN CERTIFICATE-----)';
  try {
    for (const block of blocks) new X509Certificate(block);
  } catch {
    return 'holds a PEM certificate that cannot be parsed';
  }
  return undefined;
});

const privateKey = fileOf((text) => {
  try {
    createPrivateKey(text);
  } catch {
    return 'expected an unencrypted PEM private key';
  }
  return undefined;
});

/** A secret in a file, as orchestrators mount them; one final line break is not part of it. */
const secretFile = fileOf(() => undefined)
  .transform((file) => ({ ...file, text: file.text.replace(/\r?\n$/, '') }))
  .refine((file) => file.text !== '', 'the file is empty');

const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(fallback)
    .transform((value) => value === 'true');

/** The variables, part of the settings both processes share. */
export const kafkaSecurityEnv = {
  /** TLS to every broker. */
  KAFKA_SSL: flag('false'),
  /** PEM certificates of the CAs to trust instead of the system's. */
  KAFKA_SSL_CA_FILE: certificates.optional(),
  /** Mutual TLS: the client's PEM certificate (chain) and its unencrypted private key. */
  KAFKA_SSL_CERT_FILE: certificates.optional(),
  KAFKA_SSL_KEY_FILE: privateKey.optional(),
  /** Only an explicit `false` turns verification of the brokers' certificates off. */
  KAFKA_SSL_REJECT_UNAUTHORIZED: flag('true'),
  KAFKA_SASL_MECHANISM: z.enum(KAFKA_SASL_MECHANISMS).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** The password in a file instead (one final line break is ignored). */
  KAFKA_SASL_PASSWORD_FILE: secretFile.optional(),
};

type KafkaSecurityEnv = z.infer<z.ZodObject<typeof kafkaSecurityEnv>> & {
  NODE_ENV: 'development' | 'production' | 'test';
};

/** The checks across variables: nothing set is silently ignored, no secret goes out in clear. */
export function checkKafkaSecurity(env: KafkaSecurityEnv, ctx: z.RefinementCtx): void {
  const issue = (variable: keyof KafkaSecurityEnv, message: string) =>
    ctx.addIssue({ code: 'custom', path: [variable], message });

  if (!env.KAFKA_SSL) {
    for (const variable of [
      'KAFKA_SSL_CA_FILE',
      'KAFKA_SSL_CERT_FILE',
      'KAFKA_SSL_KEY_FILE',
    ] as const) {
      if (env[variable]) issue(variable, 'needs KAFKA_SSL=true');
    }
    if (!env.KAFKA_SSL_REJECT_UNAUTHORIZED)
      issue('KAFKA_SSL_REJECT_UNAUTHORIZED', 'needs KAFKA_SSL=true');
  }
  if (env.KAFKA_SSL_CERT_FILE && !env.KAFKA_SSL_KEY_FILE)
    issue('KAFKA_SSL_KEY_FILE', 'required with KAFKA_SSL_CERT_FILE');
  if (env.KAFKA_SSL_KEY_FILE && !env.KAFKA_SSL_CERT_FILE)
    issue('KAFKA_SSL_CERT_FILE', 'required with KAFKA_SSL_KEY_FILE');
  if (env.KAFKA_SSL_CERT_FILE && env.KAFKA_SSL_KEY_FILE) {
    try {
      createSecureContext({ cert: env.KAFKA_SSL_CERT_FILE.text, key: env.KAFKA_SSL_KEY_FILE.text });
    } catch {
      issue('KAFKA_SSL_KEY_FILE', 'is not the key of KAFKA_SSL_CERT_FILE');
    }
  }
  if (!env.KAFKA_SSL_REJECT_UNAUTHORIZED && env.NODE_ENV === 'production')
    issue(
      'KAFKA_SSL_REJECT_UNAUTHORIZED',
      'not allowed in production (trust the brokers with KAFKA_SSL_CA_FILE instead)',
    );

  if (env.KAFKA_SASL_MECHANISM) {
    if (!env.KAFKA_SASL_USERNAME)
      issue('KAFKA_SASL_USERNAME', 'required with KAFKA_SASL_MECHANISM');
    if (!env.KAFKA_SASL_PASSWORD && !env.KAFKA_SASL_PASSWORD_FILE)
      issue(
        'KAFKA_SASL_PASSWORD',
        'required with KAFKA_SASL_MECHANISM (or KAFKA_SASL_PASSWORD_FILE)',
      );
    if (env.KAFKA_SASL_PASSWORD && env.KAFKA_SASL_PASSWORD_FILE)
      issue(
        'KAFKA_SASL_PASSWORD_FILE',
        'set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both',
      );
    // PLAIN hands the password itself to the broker: only ever inside TLS.
    if (env.KAFKA_SASL_MECHANISM === 'plain' && !env.KAFKA_SSL)
      issue('KAFKA_SASL_MECHANISM', 'plain sends the password in clear without KAFKA_SSL=true');
  } else {
    for (const variable of [
      'KAFKA_SASL_USERNAME',
      'KAFKA_SASL_PASSWORD',
      'KAFKA_SASL_PASSWORD_FILE',
    ] as const) {
      if (env[variable]) issue(variable, 'needs KAFKA_SASL_MECHANISM');
    }
  }
}

/** The validated variables as a Kafka client takes them. */
export function kafkaSecurity(env: KafkaSecurityEnv): KafkaSecurity {
  const security: KafkaSecurity = {};
  if (env.KAFKA_SSL) {
    const ca = env.KAFKA_SSL_CA_FILE?.text;
    const cert = env.KAFKA_SSL_CERT_FILE?.text;
    const key = env.KAFKA_SSL_KEY_FILE?.text;
    const rejectUnauthorized = env.KAFKA_SSL_REJECT_UNAUTHORIZED;
    security.ssl =
      ca || cert || key || !rejectUnauthorized
        ? {
            ...(ca && { ca }),
            ...(cert && { cert }),
            ...(key && { key }),
            rejectUnauthorized,
          }
        : true;
  }
  const password = env.KAFKA_SASL_PASSWORD ?? env.KAFKA_SASL_PASSWORD_FILE?.text;
  if (env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && password) {
    security.sasl = {
      mechanism: env.KAFKA_SASL_MECHANISM,
      username: env.KAFKA_SASL_USERNAME,
      password,
    };
  }
  return security;
}
