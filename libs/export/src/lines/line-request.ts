import type { ExportFormat } from '../export-formats';

/** What a record is: a stored event or a published anomaly. */
export type ExportKind = 'event' | 'anomaly';

/** A batch of rows to write as lines, sent to the formatting worker. */
export interface LineRequest {
  id: number;
  format: ExportFormat;
  kind: ExportKind;
  rows: unknown[];
}

/**
 * The worker's answer: the batch's text as UTF-8 (a line per row, each ending in a line
 * break; its memory moved to the API's thread, not copied), or why not.
 */
export type LineReply = { id: number; bytes: Uint8Array } | { id: number; error: string };
