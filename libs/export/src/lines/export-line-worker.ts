import { RequestThread } from '@app/threads';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { join } from 'node:path';
import type { ExportFormat } from '../export-formats';
import type { ExportKind, LineRequest } from './line-request';

// The thread's own heap. A long export produces garbage at the rate it writes records, and
// in the API's heap it piled up until the next full collection: an OCSF export of
// 1,000,000 records grew the API by 140 MB. Bounded here, the thread collects as it goes;
// what it holds alive is a batch or two.
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 };

/**
 * Writes export rows as lines in a worker thread: the formats that parse and rebuild each
 * record (OCSF, CEF, and anomalies in any format) cost CPU and garbage per record, and
 * neither belongs on the event loop that answers GraphQL. One thread, started on first use,
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
  async lines(format: ExportFormat, kind: ExportKind, rows: unknown[]): Promise<Buffer> {
    const bytes = await this.thread.request({ format, kind, rows });
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  onModuleDestroy(): Promise<void> {
    return this.thread.stop('the API is shutting down');
  }
}
