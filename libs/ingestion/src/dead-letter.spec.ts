import { fingerprintOf } from './credential-scrubber';
import { deadLetterOf } from './dead-letter';
import type { IncomingMessage } from './ingest-batch.service';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz';

const message = (value: Buffer, headers: Record<string, string>): IncomingMessage => ({
  key: Buffer.from('req-1'),
  value,
  headers,
  rawHeaders: Object.entries(headers).map(([name, headerValue]) => ({
    name: Buffer.from(name),
    value: Buffer.from(headerValue),
  })),
  position: { topic: 'delegation-events', partition: 2, offset: '41' },
});

const headersOf = (row: ReturnType<typeof deadLetterOf>) =>
  Object.fromEntries(row.headers.map((h) => [h.name.toString(), h.value.toString()]));

describe('deadLetterOf', () => {
  it('replaces raw credentials in the value and the headers, and says so', () => {
    // Not valid UTF-8 around the token: every other byte must survive as it was.
    const value = Buffer.concat([Buffer.from([0xc3, 0x28]), Buffer.from(` {"t":"${JWT}"`)]);
    const row = deadLetterOf(
      message(value, { authorization: 'Bearer opaque-secret-123', 'content-type': 'x' }),
      { code: 'INVALID_UTF8', message: 'the value is not valid UTF-8' },
    );
    expect(row.value!.includes(JWT)).toBe(false);
    expect(row.value!.subarray(0, 2)).toEqual(Buffer.from([0xc3, 0x28]));
    expect(row.value!.toString('latin1')).toContain(fingerprintOf(JWT));
    const headers = headersOf(row);
    expect(headers.authorization).toBe(`Bearer ${fingerprintOf('opaque-secret-123')}`);
    expect(headers['x-provenant-redacted']).toBe('true');
    expect(headers['x-provenant-error-code']).toBe('INVALID_UTF8');
    expect(headers['x-provenant-offset']).toBe('41');
  });

  it('redacts every format the detector knows, in the value and in copied headers', () => {
    const header = Buffer.from('{ "alg": "ES256", "typ": "JWT" }').toString('base64url');
    const spacedJwt = `${header}.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz`;
    const github = `ghp_${'aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6'}`;
    const awsKeyId = 'AKIAQ3EGRTYUJ5KLMNOP';
    const value = Buffer.from(
      `{"data":{"reason":"${spacedJwt}","url":"/cb?access_token=s3cr3t-v4lue"`,
    );
    const row = deadLetterOf(
      message(value, { 'x-upstream-auth': `token ${github}`, 'x-aws': awsKeyId }),
      { code: 'INVALID_JSON', message: 'the value is not valid JSON' },
    );
    const text = row.value!.toString('latin1');
    for (const secret of [spacedJwt, 's3cr3t-v4lue']) {
      expect(text).not.toContain(secret);
      expect(text).toContain(fingerprintOf(secret));
    }
    const headers = headersOf(row);
    expect(headers['x-upstream-auth']).toBe(`token ${fingerprintOf(github)}`);
    expect(headers['x-aws']).toBe(fingerprintOf(awsKeyId));
    expect(headers['x-provenant-redacted']).toBe('true');
  });

  it('keeps a message without credentials byte for byte, without the redacted header', () => {
    const value = Buffer.from('{"oops');
    const row = deadLetterOf(message(value, { 'content-type': 'application/json' }), {
      code: 'INVALID_JSON',
      message: 'Unterminated string',
    });
    expect(row.value).toBe(value);
    expect(headersOf(row)['x-provenant-redacted']).toBeUndefined();
  });

  it('drops x-provenant-* headers a sender set itself', () => {
    const row = deadLetterOf(message(Buffer.from('x'), { 'x-provenant-error': 'forged' }), {
      code: 'INVALID_JSON',
      message: 'Unexpected token',
    });
    expect(headersOf(row)['x-provenant-error']).toBe('INVALID_JSON: Unexpected token');
    expect(row.headers.filter((h) => h.name.toString() === 'x-provenant-error')).toHaveLength(1);
  });
});
