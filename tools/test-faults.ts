// `npm run test:faults`: the fault suite at full size (50,000 events, ten kill -9s, a
// 20-second database outage), then its table and, as the very last line, its JSON figures.
// `npm run test:faults -- --short` runs the size `npm test` runs (CI). Extra environment:
// FAULT_EVENTS, FAULT_KILLS, FAULT_OUTAGE_MS.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, prepareCheckout, ROOT, runCli } from './infra';

runCli('test:faults', () => {
  const report = join(CACHE_DIR, 'faults', 'report.txt');
  const short = process.argv.includes('--short');
  const sizes = short ? {} : { FAULT_EVENTS: '50000', FAULT_KILLS: '10', FAULT_OUTAGE_MS: '20000' };

  prepareCheckout({ withBuild: true });
  rmSync(report, { force: true });
  const result = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'jest'),
    ['--ci', '--selectProjects', 'faults', '--verbose'],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: {
        ...sizes,
        ...process.env,
        FAULT_REPORT: report,
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
      },
    },
  );
  if (existsSync(report)) process.stdout.write(`\n${readFileSync(report, 'utf8')}`);
  return result.status ?? 1;
});
