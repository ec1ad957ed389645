import type { TenantScope } from '@app/graph';
import { ExportRepository, type ExportPageQuery } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { EXPORT_FORMATTERS, type ExportFormat } from './export-formats';
import { ExportLineWorker } from './lines/export-line-worker';
import { linesOf } from './lines/lines-of';

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

/** The SIEM exports: every record a scope may see, in a stable order, page by page. */
@Injectable()
export class ExportService {
  constructor(
    private readonly repository: ExportRepository,
    private readonly worker: ExportLineWorker,
  ) {}

  async events(
    scope: TenantScope,
    format: ExportFormat,
    query: ExportPageQuery,
  ): Promise<ExportPage> {
    const bounds = await this.repository.eventBounds(scope, query);
    if (bounds.through === null) return { next: bounds.next, count: 0, lines: null };
    const formatter = EXPORT_FORMATTERS[format];
    const lines = await this.repository.streamEvents(
      scope,
      query,
      bounds.through,
      formatter.storedEventLines
        ? (rows) => linesOf(rows, formatter.event)
        : (rows) => this.worker.lines(format, 'event', rows),
    );
    return { next: bounds.next, count: bounds.count, lines };
  }

  async anomalies(
    scope: TenantScope,
    format: ExportFormat,
    query: ExportPageQuery,
  ): Promise<ExportPage> {
    const bounds = await this.repository.anomalyBounds(scope, query);
    if (bounds.through === null) return { next: bounds.next, count: 0, lines: null };
    // Anomalies are few, but each is rebuilt as a CloudEvent, OCSF or CEF: all to the worker.
    const lines = await this.repository.streamAnomalies(scope, query, bounds.through, (rows) =>
      this.worker.lines(format, 'anomaly', rows),
    );
    return { next: bounds.next, count: bounds.count, lines };
  }
}
