// `npm test`: the whole suite, self-provisioning. Installs what is missing, builds the
// apps (the end-to-end tests run them as real processes), then runs jest; jest's global
// set-up starts this run's own Kafka broker and creates its own database.
// Extra arguments go to jest: `npm test -- --selectProjects unit`.
import { spawnSync } from 'node:child_process';
import { setup } from './setup.mjs';

try {
  setup({ withBuild: true });
} catch (error) {
  process.stderr.write(`[test] ${error.message}\n`);
  process.exit(1);
}
const result = spawnSync('node_modules/.bin/jest', ['--ci', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
});
process.exit(result.status ?? 1);
