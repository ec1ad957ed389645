// `npm test`: the whole suite, self-provisioning. Builds the apps (the end-to-end tests run
// them as real processes), then runs jest, whose global set-ups start this run's own Kafka
// broker and create its own databases; then runs each benchmark once at smoke size, so that
// none can rot (their figures are printed, never judged; a benchmark that fails, fails
// the run). Extra arguments go to jest, and then the benchmarks are left out:
// `npm test -- --selectProjects unit`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  BOOTSTRAP,
  commandExists,
  prepareCheckout,
  ROOT,
  runCli,
  runSync,
  stderrLine,
} from './infra';

const say = stderrLine('test');

/** kcat is the independent Kafka client the ingestion tests produce with. */
function ensureKcat(): void {
  if (commandExists('kcat')) return;
  if (process.getuid?.() !== 0 || !commandExists('apt-get')) {
    throw new Error('kcat is missing: install it (Debian/Ubuntu: apt-get install kcat)');
  }
  say('installing kcat (apt-get)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  runSync('apt-get', ['update', '-qq'], { env });
  runSync('apt-get', ['install', '-y', '-qq', 'kcat'], { env });
}

/** Debian's Chromium, which the browser tests drive with playwright-core (no browser download). */
function ensureChromium(): void {
  if (process.env.CHROMIUM_PATH || commandExists('chromium')) return;
  if (process.getuid?.() !== 0 || !commandExists('apt-get')) {
    throw new Error(
      'chromium is missing: install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH',
    );
  }
  say('installing chromium (apt-get)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  runSync('apt-get', ['update', '-qq'], { env });
  runSync('apt-get', ['install', '-y', '-qq', 'chromium'], { env });
}

/** The tests create their own databases on the local PostgreSQL server, which must run. */
function ensurePostgres(): void {
  const ready = () => spawnSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q']).status === 0;
  if (!commandExists('pg_isready') || ready()) return;
  if (commandExists('pg_ctlcluster') && commandExists('pg_lsclusters')) {
    const version = spawnSync('sh', ['-c', "pg_lsclusters -h | awk 'NR==1{print $1}'"], {
      encoding: 'utf8',
    }).stdout.trim();
    if (version) {
      say(`starting PostgreSQL ${version}`);
      spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
        stdio: 'inherit',
      });
    }
  }
  if (!ready())
    throw new Error(
      'PostgreSQL is not reachable on 127.0.0.1:5432 (set TEST_DATABASE_ADMIN_URL to use another server)',
    );
}

const BENCHMARKS = [
  'tools/bench/ingest.ts',
  'tools/bench/query.ts',
  'tools/bench/export.ts',
  'tools/bench/ledger.ts',
  'tools/bench/search.ts',
];

/** The whole jest run takes about ten minutes; one that hangs is stopped, and fails, here. */
const JEST_DEADLINE_MS = Number(process.env.TEST_DEADLINE_MS ?? 45 * 60_000);

/** Each benchmark once at smoke size, on the build just made and the tests' server. */
function smokeBenchmarks(): number {
  for (const benchmark of BENCHMARKS) {
    say(`${benchmark} at smoke size (figures printed, not judged)`);
    const result = spawnSync(process.execPath, [BOOTSTRAP, join(ROOT, benchmark)], {
      cwd: ROOT,
      stdio: 'inherit',
      env: {
        ...process.env,
        BENCH_SMOKE: '1',
        BENCH_NO_BUILD: '1',
        ...(process.env.TEST_DATABASE_ADMIN_URL
          ? { DATABASE_URL: process.env.TEST_DATABASE_ADMIN_URL }
          : {}),
      },
    });
    if (result.status !== 0) {
      say(`${benchmark} failed (${result.status ?? result.signal})`);
      return result.status ?? 1;
    }
  }
  return 0;
}

runCli('test', () => {
  const jestArgs = process.argv.slice(2);
  ensureKcat();
  ensureChromium();
  if (!process.env.TEST_DATABASE_ADMIN_URL) ensurePostgres();
  prepareCheckout({ withBuild: true });
  const jest = spawnSync(join(ROOT, 'node_modules', '.bin', 'jest'), ['--ci', ...jestArgs], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    timeout: JEST_DEADLINE_MS,
    killSignal: 'SIGKILL',
  });
  if (jest.signal === 'SIGKILL') say(`jest did not finish within ${JEST_DEADLINE_MS} ms: stopped`);
  if (jest.status !== 0) return jest.status ?? 1;
  return jestArgs.length === 0 ? smokeBenchmarks() : 0;
});
