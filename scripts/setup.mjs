// Brings a checkout to a runnable state, doing only what is missing or stale:
// node dependencies, the generated Prisma client, and (with --build) the compiled apps.
// Used by `npm run demo`, `npm test` and `npm run build`.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const log = (line) => process.stderr.write(`[setup] ${line}\n`);

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed with exit code ${result.status ?? result.signal}`,
    );
  }
}

const mtime = (path) => (existsSync(`${root}/${path}`) ? statSync(`${root}/${path}`).mtimeMs : 0);

export function ensureDependencies() {
  const installed = mtime('node_modules/.package-lock.json');
  if (installed === 0 || installed < mtime('package-lock.json')) {
    // `npm install` rather than `npm ci`: npm 11 leaves other platforms' optional packages
    // (native swc and resolver bindings) out of the lockfile, and `npm ci` then refuses the
    // lockfile as out of sync. With a lockfile present, install keeps its exact versions.
    log('installing node dependencies (npm install)');
    run('npm', ['install', '--no-audit', '--no-fund']);
  }
}

export function ensurePrismaClient() {
  if (mtime('libs/persistence/src/generated/prisma/client.ts') >= mtime('prisma/schema.prisma'))
    return;
  log('generating the Prisma client');
  run('node', ['scripts/prisma-generate.mjs']);
}

export function build() {
  log('compiling (tsc)');
  run('node_modules/.bin/tsc', ['-p', 'tsconfig.build.json']);
  run('node_modules/.bin/tsc-alias', ['-p', 'tsconfig.build.json']);
}

export function setup({ withBuild = false } = {}) {
  ensureDependencies();
  ensurePrismaClient();
  if (withBuild) build();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    setup({ withBuild: process.argv.includes('--build') });
  } catch (error) {
    log(error.message);
    process.exit(1);
  }
}
