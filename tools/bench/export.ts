// Export benchmark: how fast a SIEM pages through the whole export over HTTP, and how much
// memory the API needs for it, next to the database's own COPY of the same rows in the same run.
//
//   npm run bench:export                 1,000,000 stored events
//   BENCH_SMOKE=1 npm run bench:export   2,000 events, to see that it works
//
// What it does:
//   1. builds the apps, creates a fresh migrated database and a broker (export/load.ts,
//      api-stack.ts), and loads the events with SQL, already placed in the ledger order,
//      then makes them the ledger's leaves with the ingestor's integrator (its rate is printed);
//   2. for each size (100,000 and all; smoke: 500 and all) and each format (NDJSON, then
//      OCSF when the API offers it), starts a fresh API process and pages through the first
//      records of the export with `limit=50000`, over one keep-alive connection, with a
//      `siem` token of every tenant, following X-Next-Cursor; it counts records and bytes,
//      and samples the API's resident memory every 50 ms (peak minus the RSS before);
//   3. the reference: `COPY (SELECT … the same rows, same order …) TO STDOUT` through `pg`
//      (the leaves' records: the rows the NDJSON export serves);
//   4. prints a table and, last, the JSON figures (CONTRACT §8).
//
// Targets: NDJSON at least 100,000 records/s and at least 0.5x the COPY reference; RSS
// growth under 64 MB whatever the size.
// Knobs: BENCH_EXPORT_EVENTS (1000000; smoke 2000), BENCH_NO_BUILD=1, BENCH_API_NODE_ARGS,
// DATABASE_URL (the server to use; the database name in it is ignored).
import { EXPORT_FORMATS } from '@app/export';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { prepareCheckout } from '../infra';
import { signDevToken } from '../infra/dev-keys';
import { brokerForApi, freshDatabase, startApi } from './api-stack';
import { loadEvents, TENANTS } from './export/load';
import {
  envNumber,
  fmt,
  log,
  onCleanUp,
  once,
  out,
  pad,
  round,
  runBenchmark,
  seconds,
  SMOKE,
  verdict,
} from './kit';

const EVENTS = envNumber('BENCH_EXPORT_EVENTS', 1_000_000, { smoke: 2_000, integer: true });
const SMALL = SMOKE ? 500 : 100_000;
const PAGE = 50_000;
const TARGETS = { recordsPerSec: 100_000, vsCopy: 0.5, rssGrowthMb: 64 };
const MEASURED_FORMATS = (['ndjson', 'ocsf'] as const).filter((format) =>
  (EXPORT_FORMATS as readonly string[]).includes(format),
);

interface Run {
  label: string;
  records: number;
  bytes: number;
  ms: number;
  rssGrowthMb?: number;
}

const rssMb = (pid: number): number => {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return line ? Number(line[1]) / 1024 : Number.NaN;
};

/** GETs one page, counting its bytes and lines without keeping them. */
function getPage(
  agent: http.Agent,
  port: number,
  path: string,
  token: string,
): Promise<{ status: number; cursor: string | null; records: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${token}` } },
      (response) => {
        let bytes = 0;
        let records = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) records += 1;
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            cursor: (response.headers['x-next-cursor'] as string | undefined) ?? null,
            records,
            bytes,
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
  });
}

async function exportOver(
  port: number,
  pid: number,
  token: string,
  format: string,
  size: number,
): Promise<Run> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // A first tiny page: connections, caches and code paths warm before the baseline.
  await getPage(agent, port, `/v1/export/events?format=${format}&limit=1`, token);
  const before = rssMb(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
  const started = Date.now();
  let records = 0;
  let bytes = 0;
  let after: string | null = null;
  try {
    while (records < size) {
      const limit = Math.min(PAGE, size - records);
      const page = await getPage(
        agent,
        port,
        `/v1/export/events?format=${format}&limit=${limit}${after ? `&after=${after}` : ''}`,
        token,
      );
      if (page.status !== 200) throw new Error(`export answered HTTP ${page.status}`);
      if (page.records === 0) throw new Error(`the export ended at ${records} of ${size} records`);
      records += page.records;
      bytes += page.bytes;
      after = page.cursor;
    }
  } finally {
    clearInterval(sampler);
    agent.destroy();
  }
  const ms = Date.now() - started;
  peak = Math.max(peak, rssMb(pid));
  return { label: `api: ${format}`, records, bytes, ms, rssGrowthMb: peak - before };
}

async function copyReference(databaseUrl: string, size: number): Promise<Run> {
  const client = new Client({ connectionString: databaseUrl });
  const end = once(() => client.end());
  onCleanUp(end);
  await client.connect();
  const started = Date.now();
  let bytes = 0;
  let records = 0;
  await new Promise<void>((resolve, reject) => {
    const stream = client.query(
      copyTo(`COPY (
        SELECT l.leaf_index, l.record FROM ledger_leaves l
        WHERE (l.tenant = ANY('{${TENANTS.join(',')}}') OR l.target_tenant = ANY('{${TENANTS.join(',')}}'))
          AND l.leaf_index < ${size}
        ORDER BY l.leaf_index) TO STDOUT`),
    );
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) records += 1;
    });
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const ms = Date.now() - started;
  await end();
  return { label: 'sql: COPY (SELECT …) TO STDOUT', records, bytes, ms };
}

async function main(): Promise<void> {
  const benchStarted = Date.now();
  const build = process.env.BENCH_NO_BUILD !== '1';
  if (SMOKE) log('BENCH_SMOKE=1: smoke size');
  prepareCheckout({ withBuild: build, stdio: 'stderr' });
  const databaseUrl = await freshDatabase('benchx');
  const brokers = await brokerForApi();
  const loader = new Client({ connectionString: databaseUrl });
  const endLoader = once(() => loader.end());
  onCleanUp(endLoader);
  await loader.connect();
  log(`loading ${fmt(EVENTS)} events directly with SQL`);
  const { ms: loadMs, leavesPerSec } = await loadEvents(loader, databaseUrl, EVENTS);
  await endLoader();
  const token = await signDevToken({
    tenants: TENANTS,
    roles: ['siem'],
    subject: 'bench-export',
    expiresIn: '2h',
  });

  const runs: Array<{ size: number; run: Run }> = [];
  for (const size of [SMALL, EVENTS]) {
    for (const format of MEASURED_FORMATS) {
      // A fresh process per run: its memory before the export is its own, not the last run's.
      const api = await startApi({
        databaseUrl,
        brokers,
        env: { EXPORT_RATE_LIMIT: '1000000' },
      });
      log(`exporting ${fmt(size)} records as ${format}`);
      runs.push({ size, run: await exportOver(api.port, api.child.pid!, token, format, size) });
      await api.stop();
    }
    log(`COPY reference for ${fmt(size)} records`);
    runs.push({ size, run: await copyReference(databaseUrl, size) });
  }

  const perSec = (run: Run) => run.records / seconds(run.ms);
  const find = (size: number, label: string) =>
    runs.find((entry) => entry.size === size && entry.run.label === label)?.run;
  const widths = [34, 10, 10, 12, 10, 12];
  out();
  out(
    `Export benchmark${SMOKE ? ' (smoke size: it works; its figures are not comparable)' : ''}: ` +
      `${fmt(EVENTS)} stored events (loaded in ${seconds(loadMs).toFixed(1)} s), pages of ${fmt(PAGE)}, one connection`,
  );
  for (const size of [SMALL, EVENTS]) {
    out();
    out(
      pad(
        [`first ${fmt(size)} records`, 'records', 'seconds', 'records/s', 'MB/s', 'RSS +MB'],
        widths,
      ),
    );
    for (const { run } of runs.filter((entry) => entry.size === size)) {
      out(
        pad(
          [
            run.label,
            fmt(run.records),
            fmt(seconds(run.ms), 2),
            fmt(perSec(run)),
            fmt(run.bytes / 1024 / 1024 / seconds(run.ms), 1),
            run.rssGrowthMb === undefined ? '-' : fmt(run.rssGrowthMb, 1),
          ],
          widths,
        ),
      );
    }
  }
  const ndjson = find(EVENTS, 'api: ndjson')!;
  const ocsf = find(EVENTS, 'api: ocsf');
  const copy = find(EVENTS, 'sql: COPY (SELECT …) TO STDOUT')!;
  const growth = Math.max(
    ...runs.map((entry) => entry.run.rssGrowthMb).filter((mb): mb is number => mb !== undefined),
  );
  const vsCopy = perSec(ndjson) / perSec(copy);
  out();
  out(
    `targets${SMOKE ? ' (not judged at smoke size)' : ''}: NDJSON >= ${fmt(TARGETS.recordsPerSec)} records/s ` +
      `${verdict(perSec(ndjson) >= TARGETS.recordsPerSec)}, >= ${TARGETS.vsCopy}x COPY (${fmt(vsCopy, 2)}x) ` +
      `${verdict(vsCopy >= TARGETS.vsCopy)}, RSS growth < ${TARGETS.rssGrowthMb} MB (${fmt(growth, 1)} MB) ` +
      `${verdict(growth < TARGETS.rssGrowthMb)}`,
  );
  out(`whole benchmark: ${seconds(Date.now() - benchStarted).toFixed(0)} s`);
  out(
    JSON.stringify({
      bench: 'export',
      events: EVENTS,
      recordsPerSec: Math.round(perSec(ndjson)),
      bytesPerSec: Math.round(ndjson.bytes / seconds(ndjson.ms)),
      ...(ocsf ? { ocsfRecordsPerSec: Math.round(perSec(ocsf)) } : {}),
      copyRecordsPerSec: Math.round(perSec(copy)),
      leavesPerSec: Math.round(leavesPerSec),
      vsCopy: round(vsCopy, 2),
      rssGrowthMbSmall: round(
        Math.max(
          ...runs
            .filter((entry) => entry.size === SMALL && entry.run.rssGrowthMb !== undefined)
            .map((entry) => entry.run.rssGrowthMb!),
        ),
        1,
      ),
      rssGrowthMb: round(growth, 1),
      ...(SMOKE ? { smoke: true } : {}),
    }),
  );
}

runBenchmark(main);
