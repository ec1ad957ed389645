import { EventDecoder, type RawMessage } from './event-decoder';
import { fingerprintOf } from './credential-scrubber';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const decoder = new EventDecoder({}, () => NOW);

const action = (overrides: Record<string, unknown> = {}) => ({
  requestId: 'req-1',
  hopId: 'h1',
  actor: { id: 'agent:support-bot', issuer: 'https://sts.acme.example', kind: 'agent' },
  onBehalfOf: { id: 'alice@acme.example', issuer: 'https://login.acme.example', kind: 'human' },
  target: { service: 'crm-api', resource: 'record/42', action: 'read' },
  token: { jti: 't-1', issuer: 'https://sts.acme.example', audience: ['crm-api'] },
  decision: 'allow',
  ...overrides,
});

const envelope = (data: unknown, overrides: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id: 'evt-1',
  source: 'gw://acme/eu-1',
  type: 'provenant.action.performed',
  time: '2026-11-22T09:59:00Z',
  tenantid: 'acme',
  data,
  ...overrides,
});

const structured = (
  body: unknown,
  contentType = 'application/cloudevents+json; charset=UTF-8',
): RawMessage => ({
  value: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  headers: { 'content-type': contentType },
});

describe('EventDecoder', () => {
  it('accepts a structured event whatever the content-type letter case', () => {
    const result = decoder.decode(structured(envelope(action()), 'Application/CloudEvents+JSON'));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.event.type).toBe('provenant.action.performed');
      expect(result.event.tenantid).toBe('acme');
    }
  });

  it('accepts a binary event from ce_ headers', () => {
    const result = decoder.decode({
      value: Buffer.from(JSON.stringify(action())),
      headers: {
        'content-type': 'application/json',
        ce_specversion: '1.0',
        ce_id: 'evt-2',
        ce_source: 'gw://acme',
        ce_type: 'provenant.action.performed',
        ce_time: '2026-11-22T09:59:00Z',
        ce_tenantid: 'acme',
        ce_traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
    });
    expect(result).toMatchObject({
      ok: true,
      event: { id: 'evt-2', traceparent: expect.stringMatching(/^00-/) },
    });
  });

  it.each([
    ['EMPTY_MESSAGE', { value: null, headers: {} }],
    ['MESSAGE_TOO_LARGE', structured(envelope(action({ reason: 'x'.repeat(300 * 1024) })))],
    ['INVALID_UTF8', { value: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), headers: {} }],
    ['INVALID_JSON', structured('{"specversion": "1.0",')],
    ['FORBIDDEN_KEY', structured('{"specversion":"1.0","data":{"__proto__":{"admin":true}}}')],
    [
      'FORBIDDEN_KEY',
      structured(envelope(action({ token: { jti: 't', claims: { constructor: { x: 1 } } } }))),
    ],
    ['UNKNOWN_TYPE', structured(envelope(action(), { type: 'provenant.token.stolen' }))],
    ['INVALID_ENVELOPE', structured(envelope(action(), { tenantid: undefined }))],
    ['INVALID_ENVELOPE', structured(envelope(action(), { time: 'yesterday' }))],
    ['INVALID_DATA', structured(envelope(action({ decision: 'maybe' })))],
    ['INVALID_DATA', structured(envelope(action({ token: { issuer: 'x' } })))],
    ['TIME_IN_FUTURE', structured(envelope(action(), { time: '2027-01-01T00:00:00Z' }))],
  ])('refuses %s with a readable reason', (code, message) => {
    const result = decoder.decode(message);
    expect(result).toMatchObject({ ok: false, error: { code } });
    if (!result.ok) expect(result.error.message.length).toBeGreaterThan(3);
  });

  it('never quotes a raw credential in a refusal reason', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz';
    // A token pasted as the whole message: V8's parser quotes the start of the input.
    const result = decoder.decode(structured(jwt));
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_JSON' } });
    if (!result.ok) expect(result.error.message).not.toContain(jwt.slice(0, 8));
  });

  it('refuses act nested beyond the limit, and a 2,000-level one quickly', () => {
    const nest = (depth: number) => {
      let act: Record<string, unknown> = { sub: 'agent:0' };
      for (let i = 1; i < depth; i++) act = { sub: `agent:${i}`, act };
      return act;
    };
    const ok = decoder.decode(
      structured(envelope(action({ token: { jti: 't', claims: { act: nest(32) } } }))),
    );
    expect(ok.ok).toBe(true);
    const over = decoder.decode(
      structured(envelope(action({ token: { jti: 't', claims: { act: nest(33) } } }))),
    );
    expect(over).toMatchObject({ ok: false, error: { code: 'INVALID_DATA' } });
    const hostile = decoder.decode(
      structured(envelope(action({ token: { jti: 't', claims: { act: nest(2000) } } }))),
    );
    expect(hostile).toMatchObject({ ok: false, error: { code: 'TOO_DEEP' } });
  });

  it('replaces raw credentials by their fingerprint and reports where they were', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz';
    const result = decoder.decode(
      structured(
        envelope(
          action({
            reason: `forwarded Authorization: Bearer opaque-secret-123`,
            token: { jti: jwt },
          }),
        ),
      ),
    );
    expect(result.ok).toBe(true);
    if (!result.ok || result.event.type !== 'provenant.action.performed') return;
    const text = JSON.stringify(result.event);
    expect(text).not.toContain(jwt);
    expect(text).not.toContain('opaque-secret-123');
    expect(result.event.data.token?.jti).toBe(fingerprintOf(jwt));
    expect(result.credentials).toEqual(
      expect.arrayContaining([
        { path: 'data.token.jti', kind: 'jwt', fingerprint: fingerprintOf(jwt) },
        { path: 'data.reason', kind: 'bearer', fingerprint: fingerprintOf('opaque-secret-123') },
      ]),
    );
  });

  it.each([
    ['a NUL character', '"reason":"a\\u0000b"'],
    ['a lone high surrogate', '"reason":"a\\ud800b"'],
    ['a lone low surrogate', '"reason":"\\udc00"'],
    ['a NUL in a key', '"tool":{"name":"t","x\\u0000":"y"}'],
  ])('refuses text PostgreSQL cannot store: %s', (_name, fragment) => {
    // Written as JSON escapes, as a hostile producer would: valid JSON, valid UTF-8.
    const body = JSON.stringify(envelope(action())).replace('"decision"', `${fragment},"decision"`);
    const result = decoder.decode(structured(body));
    expect(result).toMatchObject({ ok: false, error: { code: 'UNSTORABLE_TEXT' } });
    if (!result.ok) expect(result.error.message).not.toContain('\u0000');
  });

  it('keeps a well-formed surrogate pair (an emoji)', () => {
    const result = decoder.decode(structured(envelope(action({ reason: 'ok \u{1F600}' }))));
    expect(result.ok).toBe(true);
  });

  it('bounds indexed identifiers in UTF-8 bytes, not only in characters', () => {
    // 300 characters, 900 bytes: within the character limit, over the byte limit.
    const wide = '\u4e2d'.repeat(300);
    const actor = { id: wide, issuer: 'https://sts.acme.example', kind: 'agent' };
    const result = decoder.decode(structured(envelope(action({ actor }))));
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_DATA' } });
    if (!result.ok) expect(result.error.message).toContain('bytes in UTF-8');
    const narrow = { ...actor, id: '\u4e2d'.repeat(170) };
    expect(decoder.decode(structured(envelope(action({ actor: narrow })))).ok).toBe(true);
  });

  it('never echoes an unknown event type into the reason', () => {
    const result = decoder.decode(
      structured(envelope(action(), { type: 'eyJhbGciOiJub25lIn0.e30.lure-text' })),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TYPE' } });
    if (!result.ok) expect(result.error.message).not.toContain('lure-text');
  });

  it.each([
    ['a NUL byte', Buffer.from([0])],
    ['a quoted secret', Buffer.from('{"eyJhbGciOi-secret')],
    ['a stray token', Buffer.from('\u{1F600}')],
  ])('explains invalid JSON in its own words, never quoting %s', (_name, value) => {
    const result = decoder.decode({ value, headers: {} });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_JSON' } });
    if (result.ok) return;
    expect(result.error.message).toMatch(/^the value is not valid JSON( \(at position \d+\))?$/);
  });
});
