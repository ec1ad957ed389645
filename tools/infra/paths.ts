// Where things are in a checkout, for every tool and test helper: one place, so that no
// tool counts `..` from its own folder.
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const CACHE_DIR = join(ROOT, '.cache');
/** Runs a TypeScript tool in a new process: `node <BOOTSTRAP> tools/<tool>.ts [args]`. */
export const BOOTSTRAP = join(ROOT, 'tools', 'bootstrap.mjs');

/** The names of Provenant's own processes, built to dist/ by `npm run build`. */
export type ServiceName = 'ingestor' | 'api';
export const serviceMain = (name: ServiceName): string =>
  join(ROOT, 'dist', 'apps', name, 'src', 'main.js');
