import { ConfigError, DEV_LEDGER_VERIFIER_FILE, readKeySetting, type ApiEnv } from '@app/config';
import { parseVerifierKey, SignedNoteError } from '@app/ledger';

export const LEDGER_VERIFIER_KEY = Symbol('LEDGER_VERIFIER_KEY');

/** The verifier key from configuration, checked; a bad one stops the API at start, named. */
export function ledgerVerifierKey(config: ApiEnv): string {
  const text = readKeySetting({
    variable: 'LEDGER_VERIFIER_KEY',
    value: config.LEDGER_VERIFIER_KEY,
    file: config.LEDGER_VERIFIER_KEY_FILE,
    developmentFile: DEV_LEDGER_VERIFIER_FILE,
    production: config.NODE_ENV === 'production',
  }).trim();
  try {
    parseVerifierKey(text);
  } catch (error) {
    if (error instanceof SignedNoteError)
      throw new ConfigError(`LEDGER_VERIFIER_KEY: ${error.message}`);
    throw error;
  }
  return text;
}
