import { EXPORT_FORMATTERS } from '@app/export';
import type { ExportEventRow } from '@app/persistence';
import { join } from 'node:path';
import type { ExportLineWorker as ExportLineWorkerType } from '../libs/export/src/lines/export-line-worker';

// The formatting worker as the API runs it: the built module (the worker is a file of its
// own in the build), fed stored-record rows.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ExportLineWorker } = require(
  join(__dirname, '..', 'dist', 'libs', 'export', 'src', 'lines', 'export-line-worker.js'),
) as { ExportLineWorker: new () => ExportLineWorkerType };

const record = (uid: number, extra = '') =>
  JSON.stringify({
    data: {
      actor: { id: `agent-${uid}`, issuer: 'https://sts.acme.example', kind: 'agent' },
      decision: 'allow',
      hopId: `hop-${uid}`,
      onBehalfOf: { id: 'alice@acme.example', issuer: 'https://login.acme.example', kind: 'human' },
      requestId: `req-${uid}`,
      target: { action: 'read', resource: `customers/${uid}${extra}`, service: 'crm-api' },
      token: { issuer: 'https://sts.acme.example', jti: `tok-${uid}` },
    },
    id: `ev-${uid}`,
    provenantreceivedat: '2026-11-01T00:00:01.000Z',
    provenantuid: String(uid),
    source: 'gw://acme/gateway',
    specversion: '1.0',
    tenantid: 'acme',
    time: '2026-11-01T00:00:00.000Z',
    type: 'provenant.action.performed',
  });
const rows = (from: number, count: number, extra = ''): ExportEventRow[] =>
  Array.from({ length: count }, (_, i) => ({
    position: String(from + i),
    record: record(from + i, extra),
  }));

describe('the export formatting worker', () => {
  const worker = new ExportLineWorker();
  afterAll(() => worker.onModuleDestroy());

  it.each(['ocsf', 'cef'] as const)(
    'writes %s lines exactly as the formatter does in this thread',
    async (format) => {
      const batch = rows(1, 50, ' | a=b \\ é\nnext');
      const bytes = await worker.lines(format, 'event', batch);
      const inThread = batch.map((row) => `${EXPORT_FORMATTERS[format].event(row)}\n`).join('');
      expect(bytes.toString('utf8')).toBe(inThread);
    },
  );

  it('fails the batch with a record it cannot write, and goes on serving the next', async () => {
    await expect(
      worker.lines('ocsf', 'event', [{ position: '9', record: '{"not":' }]),
    ).rejects.toThrow(/export formatting: /);
    const next = await worker.lines('ocsf', 'event', rows(10, 2));
    expect(next.toString('utf8').trimEnd().split('\n')).toHaveLength(2);
  });

  it('writes a batch of the largest events the contract accepts, in pieces its heap can hold', async () => {
    // 200 records of about 250 kB: 50 MB of rows, written in pieces of a few megabytes.
    const large = rows(300, 200, 'x'.repeat(250_000));
    const bytes = await worker.lines('ocsf', 'event', large);
    const inThread = large.map((row) => `${EXPORT_FORMATTERS.ocsf.event(row)}\n`).join('');
    expect(bytes.toString('utf8')).toBe(inThread);
  });
});
