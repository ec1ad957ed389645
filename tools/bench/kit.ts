// What every benchmark shares: progress on stderr, figures on stdout, number knobs from the
// environment, the smoke size, table formatting, and a clean-up that stops whatever was
// started exactly once, on success, failure or Ctrl-C.
import { startService, type Service, type ServiceOptions } from '../infra/services';

export const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};
export const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};
export const seconds = (ms: number): number => ms / 1000;

/**
 * BENCH_SMOKE=1: a few hundred events or a few thousand hops, seconds not minutes, so that
 * `npm test` runs every benchmark once and none can rot. Its figures say the benchmark
 * works, not how fast Provenant is.
 */
export const SMOKE = process.env.BENCH_SMOKE === '1';

/** A positive number from the environment, else `fallback` (the smoke size's under BENCH_SMOKE=1). */
export function envNumber(
  name: string,
  fallback: number,
  { smoke = fallback, integer = false }: { smoke?: number; integer?: boolean } = {},
): number {
  const raw = process.env[name] ?? '';
  const value = integer ? Number.parseInt(raw, 10) : Number(raw);
  const valid = integer ? Number.isInteger(value) : Number.isFinite(value);
  return valid && value > 0 ? value : SMOKE ? smoke : fallback;
}

type CleanUp = () => unknown;
/** Clean-up steps, run last-registered first by `cleanUp`. */
const cleanups: CleanUp[] = [];
let cleaning: Promise<void> | undefined;

export const onCleanUp = (fn: CleanUp): void => {
  cleanups.push(fn);
};

/** `fn` runs at most once, whether called by the benchmark or by the clean-up. */
export const once = <T>(fn: () => T | Promise<T>): (() => Promise<T>) => {
  let result: Promise<T> | undefined;
  return () => (result ??= Promise.resolve().then(fn));
};

export function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        log(`clean-up: ${(error as Error).message}`);
      }
    }
  })();
  return cleaning;
}

/**
 * Runs a benchmark's `main`: on failure its error is printed and the exit code is 1; in
 * every case (Ctrl-C too) what it started is cleaned up, and the process exits, since
 * kafkajs and pg may leave timers behind after disconnecting.
 */
export function runBenchmark(main: () => Promise<void>, cleaningUp?: string): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  void (async () => {
    try {
      await main();
    } catch (error) {
      log(`failed: ${(error as Error).stack ?? String(error)}`);
      process.exitCode = 1;
    } finally {
      if (cleaningUp) log(cleaningUp);
      await cleanUp();
    }
    process.exit(process.exitCode ?? 0);
  })();
}

/**
 * Starts one of Provenant's built processes for a benchmark: its output kept (the tail) for
 * error messages, its graceful stop registered with the clean-up as soon as it is spawned.
 */
export function benchService(options: ServiceOptions): Promise<Service> {
  return startService({
    keepOutputChars: 64 * 1024,
    readyTimeoutMs: 90_000,
    pollMs: 100,
    onSpawn: onCleanUp,
    ...options,
  });
}

/** Extra node arguments for a service process, from an environment variable. */
export const nodeArgsFrom = (name: string): string[] =>
  (process.env[name] ?? '').split(/\s+/).filter(Boolean);

export const fmt = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '-'
    : value.toLocaleString('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
/** One table row: the first cell left-aligned, the others right-aligned. */
export const pad = (cells: Array<string | number>, widths: number[]): string =>
  cells
    .map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i])))
    .join('  ');
export const round = (value: number, digits: number): number =>
  Math.round(value * 10 ** digits) / 10 ** digits;
export const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISSED');

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
/** Latency figures of samples (nearest-rank percentiles). */
export const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1],
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
};
/** Milliseconds since `from` (a `process.hrtime.bigint()`). */
export const elapsedMs = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;
