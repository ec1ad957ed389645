// What every benchmark shares: progress on stderr, figures on stdout, and a clean-up that
// stops whatever was started exactly once, on success, failure or Ctrl-C.

export const log = (line) => process.stderr.write(`[bench] ${line}\n`);
export const out = (line = '') => process.stdout.write(`${line}\n`);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const seconds = (ms) => ms / 1000;

/** Clean-up steps, run last-registered first by `cleanUp`. */
export const cleanups = [];
let cleaning;

/** `fn` runs at most once, whether called by the benchmark or by the clean-up. */
export const once = (fn) => {
  let result;
  return () => (result ??= Promise.resolve().then(fn));
};

export function cleanUp() {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        log(`clean-up: ${error.message}`);
      }
    }
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void cleanUp().finally(() => process.exit(130));
  });
}

/**
 * Spawns one of Provenant's built processes, keeps the tail of its output for error
 * messages, and registers a graceful stop (SIGTERM, then SIGKILL) with the clean-up.
 */
export async function spawnService({ name, main, cwd, nodeArgs = [], env, graceMs = 15_000 }) {
  const { spawn } = await import('node:child_process');
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-64 * 1024);
  };
  const child = spawn(process.execPath, [...nodeArgs, main], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const stop = once(async () => {
    if (gone) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  });
  cleanups.push(stop);
  return {
    child,
    exited,
    stop,
    isGone: () => gone,
    output: () => output,
    fail: (why) => new Error(`${why}\n--- ${name} output (tail) ---\n${output}`),
  };
}
