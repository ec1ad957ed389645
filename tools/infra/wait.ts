// Waiting for a condition, never for a fixed time: each wait polls what it waits for and
// has its own deadline.

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** Retries `attempt` until it resolves without throwing; after `timeoutMs`, throws its last error. */
export async function eventually<T>(
  attempt: () => Promise<T> | T,
  { timeoutMs = 30_000, intervalMs = 100 }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw lastError;
    await sleep(intervalMs);
  }
}

/** Polls `condition` until it holds; after `timeoutMs`, throws naming `what` it waited for. */
export async function waitFor(
  what: string,
  condition: () => Promise<boolean> | boolean,
  { timeoutMs = 30_000, intervalMs = 100 }: WaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
