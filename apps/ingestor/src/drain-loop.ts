/**
 * Runs a drain when kicked and every `intervalMs`, never two at once: a kick during a drain
 * runs it once more when it ends. The drain handles its own errors (the next tick retries).
 */
export class DrainLoop {
  private timer?: NodeJS.Timeout;
  private deferred?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private lastStart = 0;
  private again = false;
  private stopping = false;

  /**
   * `minGapMs`: a kick sooner than this after the last drain began waits for it, so that
   * kicks in quick succession (a stored batch each) make fewer, larger drains.
   */
  constructor(
    private readonly drain: () => Promise<void>,
    private readonly minGapMs = 0,
  ) {}

  /** Whether a stop was asked for: a long drain ends its loop early. */
  get stopped(): boolean {
    return this.stopping;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.kick();
  }

  kick(): void {
    if (this.stopping) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    const wait = this.lastStart + this.minGapMs - Date.now();
    if (wait > 0) {
      this.deferred ??= setTimeout(() => {
        this.deferred = undefined;
        this.kick();
      }, wait);
      return;
    }
    this.lastStart = Date.now();
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** No more ticks; waits for the drain in progress, then drains once more. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.deferred) clearTimeout(this.deferred);
    await this.draining;
    this.draining = this.drain();
    await this.draining;
    this.stopping = true;
  }
}
