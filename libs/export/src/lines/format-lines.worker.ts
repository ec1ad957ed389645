// The export formatting thread: writes batches of export rows as lines, away from the API's
// event loop and in a heap of its own (see ExportLineWorker). The answer is the batch's text
// as UTF-8 (a line per row, each ending in a line break), its memory moved, not copied.
import { serveRequests } from '@app/threads';
import { EXPORT_FORMATTERS } from '../export-formats';
import type { LineRequest } from './line-request';
import { linesOf } from './lines-of';

serveRequests(
  ({ format, kind, rows }: LineRequest): Uint8Array<ArrayBuffer> => {
    const formatter = EXPORT_FORMATTERS[format];
    const text =
      kind === 'event'
        ? linesOf(rows as Parameters<typeof formatter.event>[0][], formatter.event)
        : linesOf(rows as Parameters<typeof formatter.anomaly>[0][], formatter.anomaly);
    // Its own memory (not a slice of Node's shared pool), so it can be moved.
    return new TextEncoder().encode(text);
  },
  (bytes) => [bytes.buffer],
);
