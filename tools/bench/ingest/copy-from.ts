// COPY FROM STDIN over pg's own connection (a custom query object, as pg supports them),
// in COPY's text format.
import type { Client } from 'pg';

/** The part of pg's connection a custom query drives. */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

type Callback = (error: Error | null, result: { rowCount: number }) => void;

class CopyFrom {
  rowCount = 0;
  done = false;
  callback?: Callback;

  constructor(
    readonly text: string,
    private readonly payload: Buffer,
  ) {}

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }
  handleCopyInResponse(connection: CopyConnection): void {
    const CHUNK = 256 * 1024;
    for (let i = 0; i < this.payload.length; i += CHUNK)
      connection.sendCopyFromChunk(this.payload.subarray(i, i + CHUNK));
    connection.endCopyFrom();
  }
  handleCommandComplete(msg: { text?: string }): void {
    this.rowCount = Number.parseInt(/\d+$/.exec(msg.text ?? '')?.[0] ?? '0', 10);
  }
  handleReadyForQuery(): void {
    this.finish(null);
  }
  handleError(error: Error): void {
    this.finish(error);
  }
  finish(error: Error | null): void {
    if (this.done) return;
    this.done = true;
    this.callback?.(error, { rowCount: this.rowCount });
  }
  handleCopyData(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
}

export function copyFrom(
  client: Client,
  text: string,
  payload: Buffer,
): Promise<{ rowCount: number }> {
  return new Promise((resolve, reject) => {
    const query = new CopyFrom(text, payload);
    query.callback = (error, result) => (error ? reject(error) : resolve(result));
    // pg runs any object with a submit() method as a query; its types only know its own.
    (client as unknown as { query(query: CopyFrom): void }).query(query);
  });
}

const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};
const COPY_SPECIAL = /[\\\t\n\r]/;
/** One field in COPY text format. */
export function field(value: string | number | bigint | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'string' ? value : String(value);
  return COPY_SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : text;
}
export const jsonField = (value: unknown): string =>
  value === null || value === undefined ? '\\N' : field(JSON.stringify(value));
export const arrayField = (items: readonly string[] | undefined): string =>
  field(
    `{${(items ?? []).map((item) => `"${String(item).replace(/["\\]/g, '\\$&')}"`).join(',')}}`,
  );
export const copyPayload = (rows: Array<Array<string | number>>): Buffer =>
  Buffer.from(rows.map((row) => `${row.join('\t')}\n`).join(''), 'utf8');
