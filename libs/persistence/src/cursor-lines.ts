import type { PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import { Readable } from 'node:stream';

/** How a batch of rows becomes text (or its UTF-8 bytes): a line per row, each ending in a line break. */
export type RowsText<R> = (rows: R[]) => string | Buffer | Promise<string | Buffer>;

// Rows are read from a server-side cursor in batches of this many.
const BATCH_ROWS = 1000;
// More is read while less than this much text waits to be written out.
const BUFFER_BYTES = 1 << 20;

interface Batch {
  text: string | Buffer;
  last: boolean;
}

/**
 * A query's rows as lines of text, read from a server-side cursor a batch at a time, with
 * back-pressure: nothing is read while the reader is behind.
 *
 * Each batch becomes text as soon as it arrives, and only text waits in the buffer (outside
 * the JavaScript heap, as bytes); rows never wait in a buffer to outlive the collector's young
 * generation. While one batch goes out, the next is read and written (by `text`, which may
 * hand it to another thread), so the database, the formatting and the socket work at once.
 *
 * Destroying the stream closes the cursor; a batch `text` refuses destroys it with that error.
 */
export class CursorLines<R> extends Readable {
  private readonly cursor: Cursor<R>;
  private ahead: Promise<Batch> | null = null;

  constructor(
    client: PoolClient,
    sql: string,
    values: unknown[],
    private readonly text: RowsText<R>,
  ) {
    super({ highWaterMark: BUFFER_BYTES });
    this.cursor = client.query(new Cursor<R>(sql, values));
  }

  override _read(): void {
    const batch = this.ahead ?? this.batch();
    this.ahead = null;
    batch.then(
      ({ text, last }) => {
        if (this.destroyed) return;
        if (!last) this.ahead = this.batch();
        if (text.length > 0) this.push(text);
        if (last) this.push(null);
        // A batch that wrote nothing pushed nothing, and nothing would ask for the next.
        else if (text.length === 0) this._read();
      },
      (error: Error) => this.destroy(error),
    );
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.cursor.close(() => done(error));
  }

  private batch(): Promise<Batch> {
    const batch = new Promise<R[]>((resolve, reject) =>
      this.cursor.read(BATCH_ROWS, (error, rows) => (error ? reject(error) : resolve(rows))),
    ).then(async (rows) => ({ text: await this.text(rows), last: rows.length < BATCH_ROWS }));
    // Read ahead, it may fail after the stream is gone: its error is handled when (and if) it is taken.
    batch.catch(() => undefined);
    return batch;
  }
}
