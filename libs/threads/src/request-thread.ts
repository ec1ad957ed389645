import { Worker, type ResourceLimits, type TransferListItem } from 'node:worker_threads';
import type { ThreadReply, ThreadRequest } from './thread-messages';

export interface RequestThreadOptions {
  /** What the thread is called in errors ("export formatting"). */
  name: string;
  /** The built worker script: a file that calls `serveRequests`. */
  file: string;
  workerData?: unknown;
  /**
   * The thread's heap. Keep each request's work far below it: a thread that reaches its
   * limit may abort the whole process rather than end alone (seen when a second allocation
   * failed before the first had ended the thread).
   */
  resourceLimits?: ResourceLimits;
  /** Told when the thread is lost with requests in hand (they are rejected with `error`). */
  onLost?: (error: Error, pending: number) => void;
}

interface Pending<A> {
  resolve: (answer: A) => void;
  reject: (error: Error) => void;
}

/**
 * A worker thread that answers requests, one answer each, in the order they come. Started on
 * first use; if it dies (an error, an exit), the requests it held are
 * rejected and the next request starts a new one. An idle thread does not keep the process
 * up; `stop` ends it, rejecting what it still held.
 */
export class RequestThread<Q, A> {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending<A>>();
  private lastId = 0;

  constructor(private readonly options: RequestThreadOptions) {}

  request(body: Q, transfer: readonly TransferListItem[] = []): Promise<A> {
    const worker = this.worker ?? this.start();
    const request: ThreadRequest<Q> = { id: ++this.lastId, body };
    return new Promise<A>((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      worker.postMessage(request, transfer);
    });
  }

  async stop(reason: string): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.lost(worker, new Error(`${this.options.name}: ${reason}`));
    await worker.terminate();
  }

  private start(): Worker {
    const worker = new Worker(this.options.file, {
      workerData: this.options.workerData,
      resourceLimits: this.options.resourceLimits,
    });
    worker.unref();
    worker.on('message', (reply: ThreadReply<A>) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if ('answer' in reply) waiting.resolve(reply.answer);
      else waiting.reject(new Error(`${this.options.name}: ${reply.error}`));
    });
    worker.on('error', (error) =>
      this.lost(worker, new Error(`${this.options.name}: the thread failed: ${error.message}`)),
    );
    worker.on('exit', (code) =>
      this.lost(worker, new Error(`${this.options.name}: the thread exited (${code})`)),
    );
    this.worker = worker;
    return worker;
  }

  private lost(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    if (this.pending.size > 0) this.options.onLost?.(error, this.pending.size);
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
