import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ExportFormat } from '../export-formats';
import type { ExportKind, LineReply, LineRequest } from './line-request';

// The worker's own heap. A long export produces garbage at the rate it writes records, and a
// process-wide heap lets it pile up until the next full collection: an OCSF export of
// 1,000,000 records grew the API by 140 MB. Bounded here, the worker collects as it goes;
// what it holds alive is a batch or two.
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 };

interface Pending {
  resolve: (bytes: Buffer) => void;
  reject: (error: Error) => void;
}

/**
 * Writes export rows as lines in a worker thread: the formats that parse and rebuild each
 * record (OCSF, CEF) cost CPU and garbage per record, and neither belongs on the event loop
 * that answers GraphQL. One worker, started on first use, serves every export in turn
 * (batches queue in arrival order); if it dies, the batches it held fail (their exports are
 * cut short and their cursors closed) and the next batch starts a new one.
 */
@Injectable()
export class ExportLineWorker implements OnModuleDestroy {
  private readonly logger = new Logger(ExportLineWorker.name);
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private lastId = 0;

  /** The rows' lines, as UTF-8. */
  lines(format: ExportFormat, kind: ExportKind, rows: unknown[]): Promise<Buffer> {
    const worker = this.worker ?? this.start();
    const request: LineRequest = { id: ++this.lastId, format, kind, rows };
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      worker.postMessage(request);
    });
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.lost(worker, new Error('export: the API is shutting down'));
    await worker.terminate();
  }

  private start(): Worker {
    const worker = new Worker(join(__dirname, 'format-lines.worker.js'), {
      resourceLimits: RESOURCE_LIMITS,
    });
    // The API's shutdown ends it; an idle worker alone does not keep the process up.
    worker.unref();
    worker.on('message', (reply: LineReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if ('bytes' in reply)
        waiting.resolve(
          Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength),
        );
      else waiting.reject(new Error(`export: a record could not be written: ${reply.error}`));
    });
    worker.on('error', (error) => this.lost(worker, error));
    worker.on('exit', (code) =>
      this.lost(worker, new Error(`export: the formatting worker exited (${code})`)),
    );
    this.worker = worker;
    return worker;
  }

  private lost(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    if (this.pending.size > 0)
      this.logger.error(`${error.message}; ${this.pending.size} batch(es) failed`);
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
