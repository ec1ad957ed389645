import type { ExportAnomalyRow, ExportEventRow } from '@app/persistence';
import { toCefAnomaly, toCefEvent } from './cef/cef-line';
import { exportedAnomaly, exportedEvent, ndjsonAnomalyLine, ndjsonEventLine } from './export-rows';
import { toOcsfAnomaly, toOcsfEvent } from './ocsf/ocsf.mapper';

export const EXPORT_FORMATS = ['ndjson', 'ocsf', 'cef'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** How each format writes a record (one line, no line break) and the media type of its body. */
export interface ExportFormatter {
  mediaType: string;
  /**
   * Whether its events' lines cost nothing to write (the stored record as it is), so they
   * are written where they are read rather than handed to the formatting worker.
   */
  storedEventLines: boolean;
  event: (row: ExportEventRow) => string;
  anomaly: (row: ExportAnomalyRow) => string;
}

export const EXPORT_FORMATTERS: Record<ExportFormat, ExportFormatter> = {
  ndjson: {
    mediaType: 'application/x-ndjson; charset=utf-8',
    storedEventLines: true,
    event: ndjsonEventLine,
    anomaly: ndjsonAnomalyLine,
  },
  ocsf: {
    mediaType: 'application/x-ndjson; charset=utf-8',
    storedEventLines: false,
    event: (row) => JSON.stringify(toOcsfEvent(exportedEvent(row))),
    anomaly: (row) => JSON.stringify(toOcsfAnomaly(exportedAnomaly(row))),
  },
  cef: {
    mediaType: 'text/plain; charset=utf-8',
    storedEventLines: false,
    event: (row) => toCefEvent(exportedEvent(row)),
    anomaly: (row) => toCefAnomaly(exportedAnomaly(row)),
  },
};
