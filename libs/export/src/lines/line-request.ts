import type { ExportFormat } from '../export-formats';

/** What a record is: a stored event or a published anomaly. */
export type RecordKind = 'event' | 'anomaly';

/** A batch of rows to write as lines, sent to the formatting thread. */
export interface LineRequest {
  format: ExportFormat;
  kind: RecordKind;
  rows: object[];
}
