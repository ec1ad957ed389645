// The formatting worker: writes batches of export rows as lines, away from the API's event
// loop and in a heap of its own (see ExportLineWorker).
import { parentPort } from 'node:worker_threads';
import { EXPORT_FORMATTERS } from '../export-formats';
import type { LineReply, LineRequest } from './line-request';
import { linesOf } from './lines-of';

parentPort?.on('message', (request: LineRequest) => {
  let reply: LineReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const formatter = EXPORT_FORMATTERS[request.format];
    const text =
      request.kind === 'event'
        ? linesOf(request.rows as Parameters<typeof formatter.event>[0][], formatter.event)
        : linesOf(request.rows as Parameters<typeof formatter.anomaly>[0][], formatter.anomaly);
    // Its own memory (not a slice of Node's shared pool), so it can be moved, not copied.
    const bytes = new TextEncoder().encode(text);
    transfer.push(bytes.buffer);
    reply = { id: request.id, bytes };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply, transfer);
});
