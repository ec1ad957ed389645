import type { TenantScope } from '@app/graph';
import { ExportRepository, type ExportPageQuery } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { pipeline, Transform, type Readable } from 'node:stream';
import { EXPORT_FORMATTERS, type ExportFormat } from './export-formats';

/**
 * One page of an export, its end known before the first record is read: `next` is the
 * position the following page starts after (resume from it), `count` how many records the
 * page holds, `lines` their text, one record per line, streamed from a database cursor with
 * back-pressure (null when the page is empty). Destroying `lines` closes the cursor.
 */
export interface ExportPage {
  next: bigint | null;
  count: number;
  lines: Readable | null;
}

// Lines are handed on in chunks of about this size: a write per line would cost a socket
// write per record.
const CHUNK_CHARS = 64 * 1024;

/** Rows in, lines out in chunks, keeping the stream's back-pressure. */
function formatted<R>(format: (row: R) => string): Transform {
  let chunk = '';
  return new Transform({
    writableObjectMode: true,
    writableHighWaterMark: 2000,
    readableHighWaterMark: 1 << 20,
    transform(row: R, _encoding, done) {
      try {
        chunk += `${format(row)}\n`;
      } catch (error) {
        done(error as Error);
        return;
      }
      if (chunk.length < CHUNK_CHARS) {
        done();
        return;
      }
      const full = chunk;
      chunk = '';
      done(null, full);
    },
    flush(done) {
      done(null, chunk.length > 0 ? chunk : undefined);
    },
  });
}

/**
 * `rows` into `lines`, each destroyed with the other: a reader that goes away destroys
 * `lines`, and with it `rows` and the database cursor (`pipe` alone would only unpipe `rows`,
 * leaving the cursor open and its connection checked out).
 */
function joined(rows: Readable, lines: Transform): Readable {
  return pipeline(rows, lines, () => undefined);
}

/** The SIEM exports: every record a scope may see, in a stable order, page by page. */
@Injectable()
export class ExportService {
  constructor(private readonly repository: ExportRepository) {}

  async events(
    scope: TenantScope,
    format: ExportFormat,
    query: ExportPageQuery,
  ): Promise<ExportPage> {
    const bounds = await this.repository.eventBounds(scope, query);
    if (bounds.through === null) return { next: bounds.next, count: 0, lines: null };
    const line = EXPORT_FORMATTERS[format].event;
    const rows = await this.repository.streamEvents(scope, query, bounds.through);
    return { next: bounds.next, count: bounds.count, lines: joined(rows, formatted(line)) };
  }

  async anomalies(
    scope: TenantScope,
    format: ExportFormat,
    query: ExportPageQuery,
  ): Promise<ExportPage> {
    const bounds = await this.repository.anomalyBounds(scope, query);
    if (bounds.through === null) return { next: bounds.next, count: 0, lines: null };
    const line = EXPORT_FORMATTERS[format].anomaly;
    const rows = await this.repository.streamAnomalies(scope, query, bounds.through);
    return { next: bounds.next, count: bounds.count, lines: joined(rows, formatted(line)) };
  }
}
