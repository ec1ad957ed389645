// Brings a checkout to a runnable state, doing only what is stale: the generated Prisma
// client and (when asked) the compiled apps in dist/. The node dependencies are installed
// before any of this runs, by tools/bootstrap.mjs.
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
}
