// `npm run -s ledger:key`: prints the ledger's verifier key (C2SP vkey form), alone on
// stdout: the configured one (LEDGER_VERIFIER_KEY or LEDGER_VERIFIER_KEY_FILE), else the
// development key's (created if needed).
import { readFileSync } from 'node:fs';
import { DEV_LEDGER_VERIFIER, ensureDevLedgerKeys } from './infra';

const configured = process.env.LEDGER_VERIFIER_KEY;
const file = process.env.LEDGER_VERIFIER_KEY_FILE;
if (!configured && !file) ensureDevLedgerKeys();
process.stdout.write(
  `${(configured ?? readFileSync(file ?? DEV_LEDGER_VERIFIER, 'utf8')).trim()}\n`,
);
