// Contender 1: Provenant's ingestor, as a real process (validation, credential scrubbing,
// set-based storage, anomaly rules, one transaction and one offset commit per batch).
// Measured from /readyz to the moment its /metrics count every message; peak RSS is the
// process's VmHWM.
import { readFileSync } from 'node:fs';
import { DEV_LEDGER_SIGNER, ensureDevLedgerKeys } from '../../infra/dev-keys';
import { sleep } from '../../infra/wait';
import { benchService, log, nodeArgsFrom, seconds } from '../kit';

const STALL_TIMEOUT_MS = 120_000;
const CLOCK_TICKS = 100;

export interface IngestorResult {
  events: number;
  ms: number;
  totalMs: number;
  startMs: number;
  rssAtReadyMb: number;
  cpuSeconds: number | null;
  /** Cores the whole machine kept busy while it drained (every process: PostgreSQL too). */
  machineBusyCores: number | null;
  peakRssMb: number;
  stored: number;
  duplicates: number;
  deadLettered: number;
}

function procStatus(pid: number): { rssKb: number; hwmKb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return null;
  }
}

function procCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime + stime
  } catch {
    return null;
  }
}

/** All CPUs' busy and total jiffies since boot (/proc/stat). */
function machineJiffies(): { busy: number; total: number; cores: number } | null {
  try {
    const lines = readFileSync('/proc/stat', 'utf8').split('\n');
    const all = lines[0].split(/\s+/).slice(1).map(Number);
    const idle = all[3] + (all[4] ?? 0); // idle + iowait
    const total = all.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const cores = lines.filter((line) => /^cpu\d/.test(line)).length;
    return { busy: total - idle, total, cores };
  } catch {
    return null;
  }
}

function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && (line[name.length] === ' ' || line[name.length] === '{')) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

export async function runIngestor({
  brokers,
  databaseUrl,
  topic,
  partitions,
  total,
  suffix,
  env = {},
  afterDrain,
}: {
  brokers: string;
  databaseUrl: string;
  topic: string;
  partitions: number;
  total: number;
  suffix: string;
  /** More environment for the ingestor (it wins over the defaults here). */
  env?: Record<string, string>;
  /** Runs once every message is handled, before the ingestor stops. */
  afterDrain?: () => Promise<void>;
}): Promise<IngestorResult> {
  ensureDevLedgerKeys();
  const service = await benchService({
    name: 'ingestor',
    nodeArgs: nodeArgsFrom('BENCH_INGESTOR_NODE_ARGS'),
    graceMs: 15_000,
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC: topic,
      KAFKA_ANOMALY_TOPIC: `${topic}.anomalies`,
      KAFKA_GROUP_ID: `bench-provenant-${suffix}`,
      KAFKA_TOPIC_PARTITIONS: String(partitions),
      KAFKA_CHECKPOINT_TOPIC: `${topic}.checkpoints`,
      LEDGER_SIGNING_KEY_FILE: DEV_LEDGER_SIGNER,
      ...env,
    },
  });
  const { child, stop, fail, port } = service;
  const pid = child.pid!;
  const readyAt = Date.now();
  const counters = async () => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const stored = metricSum(text, 'provenant_events_stored_total');
    const duplicates = metricSum(text, 'provenant_events_duplicate_total');
    const deadLettered = metricSum(text, 'provenant_events_dead_lettered_total');
    return { stored, duplicates, deadLettered, done: stored + duplicates + deadLettered };
  };
  const atReady = await counters();
  const cpuAtReady = procCpuSeconds(pid);
  const machineAtReady = machineJiffies();
  const rssAtReadyMb = (procStatus(pid)?.rssKb ?? 0) / 1024;
  log(
    `  ingestor ready in ${seconds(service.startMs).toFixed(1)} s (${atReady.done} messages already handled)`,
  );

  let last = atReady;
  let lastProgressAt = Date.now();
  let lastReport = Date.now();
  let peakRssKb = 0;
  for (;;) {
    if (service.isGone()) throw fail('the ingestor exited while draining');
    const sample = procStatus(pid);
    if (sample) peakRssKb = Math.max(peakRssKb, sample.rssKb, sample.hwmKb);
    const now = await counters();
    if (now.done !== last.done) lastProgressAt = Date.now();
    last = now;
    if (now.done >= total) break;
    if (Date.now() - lastProgressAt > STALL_TIMEOUT_MS)
      throw fail(`no progress for ${STALL_TIMEOUT_MS / 1000} s at ${now.done}/${total}`);
    if (Date.now() - lastReport > 5_000) {
      lastReport = Date.now();
      log(
        `  provenant: ${now.done}/${total} (${Math.round((now.done - atReady.done) / seconds(Date.now() - readyAt))} events/s)`,
      );
    }
    await sleep(250);
  }
  const drainedAt = Date.now();
  const cpu = procCpuSeconds(pid);
  const machine = machineJiffies();
  const final = procStatus(pid);
  if (final) peakRssKb = Math.max(peakRssKb, final.hwmKb);
  await afterDrain?.();
  await stop();
  return {
    events: last.done - atReady.done,
    ms: drainedAt - readyAt,
    totalMs: service.startMs + (drainedAt - readyAt),
    startMs: service.startMs,
    rssAtReadyMb,
    cpuSeconds: cpu !== null && cpuAtReady !== null ? cpu - cpuAtReady : null,
    machineBusyCores:
      machine && machineAtReady && machine.total > machineAtReady.total
        ? ((machine.busy - machineAtReady.busy) / (machine.total - machineAtReady.total)) *
          machine.cores
        : null,
    peakRssMb: peakRssKb / 1024,
    stored: last.stored,
    duplicates: last.duplicates,
    deadLettered: last.deadLettered,
  };
}
