import { readFileSync } from 'node:fs';
import type { z } from 'zod';

export class ConfigError extends Error {}

// `_KEY_FILE` too: a key pasted where its path belongs must not be shown either.
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE|_KEY(_FILE)?$|SASL/i;

/** What a bad value may show of itself: never a password, in a URL or anywhere else. */
function describeValue(name: string, value: string): string {
  if (SECRET_NAME.test(name)) return 'a value (hidden)';
  let shown = value;
  try {
    const url = new URL(value);
    if (url.password) {
      url.password = '***';
      shown = url.toString();
    }
  } catch {
    // not a URL: shown as it is
  }
  return JSON.stringify(shown.length > 80 ? `${shown.slice(0, 80)}…` : shown);
}

/**
 * Validates the environment against `schema`. On failure the message is one line that
 * names the variable and what is wrong with it, e.g.
 * `invalid configuration: KAFKA_BROKERS: expected host:port[,host:port...]`.
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  // An empty variable means "unset": `FOO= npm run demo` falls back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = issue.path.length > 0 ? String(issue.path[0]) : '(environment)';
  const received = present[name];
  const shown = received === undefined ? 'missing' : `got ${describeValue(name, received)}`;
  throw new ConfigError(`invalid configuration: ${name}: ${issue.message} (${shown})`);
}

/** For a process entry point: the configuration, or one line on stderr and exit code 78. */
export function loadConfigOrExit<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
}

/**
 * A key given inline (`variable`) or as a file (`variable_FILE`); in development, the local
 * development file when neither is set. Errors name the variable, never the key.
 */
export function readKeySetting(options: {
  variable: string;
  value: string | undefined;
  file: string | undefined;
  developmentFile: string;
  production: boolean;
}): string {
  const { variable, value, file } = options;
  if (value !== undefined && file !== undefined)
    throw new ConfigError(`${variable}: set ${variable} or ${variable}_FILE, not both`);
  if (value !== undefined) return value;
  if (file === undefined && options.production)
    throw new ConfigError(`${variable}: required in production (or ${variable}_FILE)`);
  const path = file ?? options.developmentFile;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`${variable}_FILE: cannot read the file (${code})`);
  }
}
