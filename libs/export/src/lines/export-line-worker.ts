import { RequestThread } from '@app/threads';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { join } from 'node:path';
import type { ExportFormat } from '../export-formats';
import type { LineRequest, RecordKind } from './line-request';
import { piecesOf } from './pieces-of';

// The thread's own heap, bounded: unbounded, it grew as the API's did (130 MB over an OCSF
// export of 1,000,000 records). A piece of rows (PIECE_CHARS) and what it becomes stay far
// below it, also for the largest records the contract accepts.
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 };

/**
 * Writes export rows as lines in a worker thread: the formats that parse and rebuild each
 * record (OCSF, CEF, and anomalies in any format) cost CPU and garbage per record, and
 * neither belongs on the event loop that answers GraphQL. In the API's heap that garbage
 * piled up until the next full collection (an OCSF export of 1,000,000 records grew the API
 * by 140 MB); in the thread's small heap V8 collects it as it goes. One thread, started on first use,
 * serves every export in turn (batches queue in arrival order); if it dies, the batches it
 * held fail (their exports are cut short and their cursors closed) and the next batch starts
 * a new one.
 */
@Injectable()
export class ExportLineWorker implements OnModuleDestroy {
  private readonly logger = new Logger(ExportLineWorker.name);
  private readonly thread = new RequestThread<LineRequest, Uint8Array>({
    name: 'export formatting',
    file: join(__dirname, 'format-lines.worker.js'),
    resourceLimits: RESOURCE_LIMITS,
    onLost: (error, pending) =>
      this.logger.error(`${error.message}; ${pending} batch(es) of exports failed`),
  });

  /** The rows' lines, as UTF-8. */
  async lines(format: ExportFormat, kind: RecordKind, rows: object[]): Promise<Buffer> {
    const answers = await Promise.all(
      piecesOf(rows).map((piece) => this.thread.request({ format, kind, rows: piece })),
    );
    const buffers = answers.map((bytes) =>
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    );
    return buffers.length === 1 ? buffers[0] : Buffer.concat(buffers);
  }

  onModuleDestroy(): Promise<void> {
    return this.thread.stop('the API is shutting down');
  }
}
