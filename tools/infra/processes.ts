// Running commands and stopping processes, for the tools and the test helpers alike.
import {
  spawn,
  spawnSync,
  type SpawnOptions,
  type SpawnSyncOptions,
  type StdioOptions,
} from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ROOT } from './paths';
import { sleep } from './wait';

/**
 * Where a command's output goes: `stderr` keeps stdout for a tool's own result (a token,
 * a benchmark's figures).
 */
export type OutputTo = 'inherit' | 'stderr';
export const stdioFor = (output: OutputTo): StdioOptions =>
  output === 'stderr' ? ['ignore', 2, 2] : 'inherit';

/** Runs a command in the checkout, its output passed through; throws unless it succeeds. */
export function runSync(command: string, args: string[], options: SpawnSyncOptions = {}): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed with exit code ${result.status ?? result.signal}`,
    );
  }
}

/** Runs a command to completion, collecting stdout and stderr together. */
export function runCollecting(
  command: string,
  args: string[],
  options: SpawnOptions = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Whether `command` is on the PATH. */
export const commandExists = (command: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** The last `lines` lines of `text`. */
export const tail = (text: string, lines: number): string =>
  text.trimEnd().split('\n').slice(-lines).join('\n');

export const errorCode = (error: unknown): string | undefined =>
  (error as NodeJS.ErrnoException | null)?.code;

/** Sends `name` to `pid`; false when there is no such process. */
export function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ESRCH') return false;
    throw error;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
  // A zombie still answers signal 0; on Linux, /proc tells it apart.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

/**
 * SIGTERM, then SIGKILL if `pid` is still there after `graceMs`. `exited` (when this process
 * is its parent) tells the exit apart from a recycled pid; without it, the pid is polled.
 */
export async function stopProcess(
  pid: number,
  {
    exited,
    graceMs,
    what = `process ${pid}`,
  }: { exited?: Promise<unknown>; graceMs: number; what?: string },
): Promise<void> {
  const gone = exited
    ? () => Promise.race([exited.then(() => true), sleep(100).then(() => false)])
    : async () => {
        if (isAlive(pid)) await sleep(100);
        return !isAlive(pid);
      };
  const waitGone = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) if (await gone()) return true;
    return false;
  };
  if (!signal(pid, 'SIGTERM') || (await waitGone(graceMs))) return;
  signal(pid, 'SIGKILL');
  if (!(await waitGone(5_000))) throw new Error(`${what} (pid ${pid}) did not exit`);
}
