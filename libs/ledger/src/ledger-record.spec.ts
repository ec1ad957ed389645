import type { LedgerEventRow } from '@app/persistence';
import { ledgerRecord, parseLedgerRecord } from './ledger-record';

const row = (overrides: Partial<LedgerEventRow> = {}): LedgerEventRow => ({
  leafIndex: '7',
  uid: '42',
  source: 'gw://acme/gateway',
  ceId: 'ev-1',
  type: 'provenant.action.performed',
  tenant: 'acme',
  targetTenant: null,
  time: '2026-11-01T08:00:00.000Z',
  traceparent: null,
  data: '{"requestId": "req-1", "target": {"service": "crm"}, "hopId": "h1"}',
  receivedAt: '2026-11-01T08:00:01.250Z',
  ...overrides,
});

describe('ledgerRecord', () => {
  it('writes the stored event as RFC 8785 canonical JSON: keys sorted at every level, no whitespace', () => {
    expect(ledgerRecord(row())).toBe(
      '{"data":{"hopId":"h1","requestId":"req-1","target":{"service":"crm"}},' +
        '"datacontenttype":"application/json","id":"ev-1","provenantreceivedat":"2026-11-01T08:00:01.250Z",' +
        '"provenantuid":"42","source":"gw://acme/gateway","specversion":"1.0","tenantid":"acme",' +
        '"time":"2026-11-01T08:00:00.000Z","type":"provenant.action.performed"}',
    );
  });

  it('gives the same bytes for the same stored event, whatever the spacing and key order of its JSON text', () => {
    const a = ledgerRecord(row({ data: '{"b": [1, 2.50, 1e3], "a": {"y": true, "x": null}}' }));
    const b = ledgerRecord(row({ data: '{"a":{"x":null,"y":true},"b":[1,2.5,1000]}' }));
    expect(a).toBe(b);
    expect(a).toContain('"data":{"a":{"x":null,"y":true},"b":[1,2.5,1000]}');
  });

  it('keeps hostile text intact and on one line, and reads back to the same record', () => {
    const hostile = 'pipe | eq = back\\slash "quote"\nnew line\u2028 é 𝄞 \u0007';
    const text = ledgerRecord(row({ traceparent: 'tp', data: JSON.stringify({ note: hostile }) }));
    expect(text).not.toContain('\n');
    const record = parseLedgerRecord(text);
    expect(record.data).toEqual({ note: hostile });
    expect(record.traceparent).toBe('tp');
    expect(ledgerRecord(row({ traceparent: 'tp', data: JSON.stringify(record.data) }))).toBe(text);
  });

  it('sorts keys by UTF-16 code units, as RFC 8785 §3.2.3 says', () => {
    // U+0D, 'a', U+20AC (€), then U+1D11E (𝄞), whose first UTF-16 unit is 0xD834.
    const text = ledgerRecord(row({ data: JSON.stringify({ '𝄞': 1, '€': 2, a: 3, '\r': 4 }) }));
    expect(text).toContain('"data":{"\\r":4,"a":3,"€":2,"𝄞":1}');
  });
});
