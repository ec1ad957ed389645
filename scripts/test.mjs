// `npm test`: the whole suite, self-provisioning. Installs what is missing, builds the
// apps (the end-to-end tests run them as real processes), then runs jest; jest's global
// set-up starts this run's own Kafka broker and creates its own database.
// Extra arguments go to jest: `npm test -- --selectProjects unit`.
import { spawnSync } from 'node:child_process';
import { setup } from './setup.mjs';

const say = (line) => process.stderr.write(`[test] ${line}\n`);
const has = (command) =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** kcat is the independent Kafka client the ingestion tests produce with. */
function ensureKcat() {
  if (has('kcat')) return;
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    throw new Error('kcat is missing: install it (Debian/Ubuntu: apt-get install kcat)');
  }
  say('installing kcat (apt-get)');
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'kcat'],
  ]) {
    const result = spawnSync('apt-get', args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`);
  }
}

/** The tests create their own database on the local PostgreSQL server, which must run. */
function ensurePostgres() {
  const ready = () => spawnSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q']).status === 0;
  if (!has('pg_isready') || ready()) return;
  if (has('pg_ctlcluster') && has('pg_lsclusters')) {
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

try {
  ensureKcat();
  if (!process.env.TEST_DATABASE_ADMIN_URL) ensurePostgres();
  setup({ withBuild: true });
} catch (error) {
  say(error.message);
  process.exit(1);
}
const result = spawnSync('node_modules/.bin/jest', ['--ci', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
});
process.exit(result.status ?? 1);
