import { Roles, type Caller } from '@app/auth';
import { EXPORT_FORMATTERS, ExportService, type ExportPage } from '@app/export';
import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiMetrics } from '../api.metrics';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { encodeExportCursor, ExportQueryOf, type ExportQuery } from './export-query';
import { ExportPageDocs } from './export-docs';
import { ExportThrottlerGuard } from './export-throttler.guard';

type ExportKind = 'events' | 'anomalies';

/**
 * CONTRACT §6: a SIEM pulls, page by page, every record its tenants may see, in the order
 * positions were given. The page's end is known before the first byte, so `X-Next-Cursor`
 * goes out in the headers although the body streams.
 */
@Controller('v1/export')
@UseGuards(ExportThrottlerGuard)
@ApiTags('export')
@ApiBearerAuth()
export class ExportController {
  constructor(
    private readonly exports: ExportService,
    private readonly metrics: ApiMetrics,
  ) {}

  @Get('events')
  @Roles('siem')
  @ExportPageDocs('events', 'Every stored event the caller’s tenants may see, in ledger order.')
  async events(
    @CurrentCaller() caller: Caller,
    @ExportQueryOf('events') query: ExportQuery,
    @Res() response: Response,
  ): Promise<void> {
    await this.send('events', query, response, () =>
      this.exports.events(caller.scope, query.format, query),
    );
  }

  @Get('anomalies')
  @Roles('siem')
  @ExportPageDocs(
    'anomalies',
    'Every published anomaly the caller’s tenants may see, in feed order.',
  )
  async anomalies(
    @CurrentCaller() caller: Caller,
    @ExportQueryOf('anomalies') query: ExportQuery,
    @Res() response: Response,
  ): Promise<void> {
    await this.send('anomalies', query, response, () =>
      this.exports.anomalies(caller.scope, query.format, query),
    );
  }

  private async send(
    kind: ExportKind,
    query: ExportQuery,
    response: Response,
    open: () => Promise<ExportPage>,
  ): Promise<void> {
    const labels = { export: kind, format: query.format };
    const page = await open();
    const next = page.next ?? query.after ?? -1n;
    response
      .status(200)
      .setHeader('Content-Type', EXPORT_FORMATTERS[query.format].mediaType)
      .setHeader('Cache-Control', 'no-store')
      .setHeader('X-Next-Cursor', encodeExportCursor(kind, next))
      .setHeader('X-Record-Count', String(page.count));
    if (!page.lines) {
      response.end();
      this.metrics.exportRequests.inc({ ...labels, outcome: 'ok' });
      return;
    }
    const counted = new Transform({
      transform: (chunk: string | Buffer, _encoding, done) => {
        this.metrics.exportBytes.inc(labels, Buffer.byteLength(chunk));
        done(null, chunk);
      },
    });
    try {
      // A client that goes away destroys the pipeline, and with it the database cursor.
      await pipeline(page.lines, counted, response);
      this.metrics.exportRecords.inc(labels, page.count);
      this.metrics.exportRequests.inc({ ...labels, outcome: 'ok' });
    } catch {
      this.metrics.exportRequests.inc({ ...labels, outcome: 'aborted' });
      // The headers are out: all that is left is to cut the body short.
      response.destroy();
    }
  }
}
