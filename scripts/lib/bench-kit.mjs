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
