// Brings a checkout to a runnable state, doing only what is stale: the generated Prisma
// client and (when asked) the compiled apps in dist/, the console's static files in
// dist/console included. The node dependencies are installed before any of this runs, by
// tools/bootstrap.mjs.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generatePrismaClient, prismaClientIsStale } from './prisma';
import { runSync, stdioFor, type OutputTo } from './processes';
import { ROOT } from './paths';

export interface CheckoutOptions {
  /** Also compile the apps to dist/ (the demo, the benchmarks and the e2e tests run them). */
  withBuild?: boolean;
  /** `stderr`: tool output goes to stderr, so that stdout carries a tool's own result only. */
  stdio?: OutputTo;
  log?: (line: string) => void;
}

const setupLog = (line: string) => process.stderr.write(`[setup] ${line}\n`);

export function prepareCheckout({
  withBuild = false,
  stdio = 'inherit',
  log = setupLog,
}: CheckoutOptions = {}): void {
  if (prismaClientIsStale()) {
    log('generating the Prisma client');
    generatePrismaClient({ stdio });
  }
  if (withBuild) build({ stdio, log });
}

export function build({ stdio = 'inherit', log = setupLog }: CheckoutOptions = {}): void {
  log('compiling (tsc)');
  const options = { stdio: stdioFor(stdio) };
  const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
  runSync(bin('tsc'), ['-p', 'tsconfig.build.json'], options);
  runSync(bin('tsc-alias'), ['-p', 'tsconfig.build.json'], options);
  if (consoleIsStale()) {
    log('building the console (vite)');
    runSync(bin('vite'), ['build', '--config', CONSOLE_CONFIG, '--logLevel', 'warn'], options);
  }
}

const CONSOLE_DIR = join(ROOT, 'apps', 'console');
const CONSOLE_CONFIG = join(CONSOLE_DIR, 'vite.config.mts');
const CONSOLE_BUILT = join(ROOT, 'dist', 'console', 'index.html');

/** The newest modification time of a file under `path`. */
function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** The console's sources, its build settings or the lockfile changed since the last build. */
function consoleIsStale(): boolean {
  if (!existsSync(CONSOLE_BUILT)) return true;
  const built = statSync(CONSOLE_BUILT).mtimeMs;
  return [CONSOLE_DIR, join(ROOT, 'package-lock.json')].some((path) => newest(path) > built);
}
