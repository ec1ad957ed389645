/**
 * Runs a drain when kicked and every `intervalMs`, never two at once: a kick during a drain
 * runs it once more when it ends. The drain handles its own errors (the next tick retries).
 */
export class DrainLoop {
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private again = false;
  private stopping = false;

  constructor(private readonly drain: () => Promise<void>) {}

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
    await this.draining;
    this.draining = this.drain();
    await this.draining;
    this.stopping = true;
  }
}
