import fc from 'fast-check';
import { detectCredentials } from './credential-detector';
import {
  fingerprintOf,
  scrubString,
  scrubStrings,
  type CredentialFinding,
} from './credential-scrubber';

const b64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const jose = (header: string, payload = '{"sub":"alice"}', signature = 'c2lnbmF0dXJlLWJ5dGVz') =>
  `${b64url(header)}.${b64url(payload)}.${signature}`;

/** Deterministic filler of the given alphabet, so no test token is a real one. */
const filler = (alphabet: string, length: number, seed = 7): string => {
  let out = '';
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    out += alphabet[state % alphabet.length];
  }
  return out;
};
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Scrubs `text` and checks the secret is gone and its fingerprint took its place. */
function expectScrubbed(text: string, secret: string, kind: string): void {
  const findings: CredentialFinding[] = [];
  const out = scrubString(text, 'data.reason', findings);
  expect(out).not.toContain(secret);
  expect(out).toContain(fingerprintOf(secret));
  expect(findings).toContainEqual({
    path: 'data.reason',
    kind,
    fingerprint: fingerprintOf(secret),
  });
}

describe('credential scrubbing', () => {
  describe('JWTs, whatever the header encoding', () => {
    it.each([
      ['the usual header', '{"alg":"RS256","typ":"JWT"}'],
      ['keys in another order', '{"typ":"JWT","kid":"k1","alg":"ES256"}'],
      ['spaces in the header', '{ "alg" : "RS256" }'],
      ['a header on several lines', '{\n  "alg": "RS256",\n  "typ": "JWT"\n}'],
      ['a tab first', '\t{"alg":"PS256"}'],
    ])('%s', (_name, header) => {
      const token = jose(header);
      expectScrubbed(`forwarded ${token} upstream`, token, 'jwt');
    });

    it('an unsecured JWT (alg none, empty signature)', () => {
      const token = jose('{"alg":"none"}', '{"sub":"mallory"}', '');
      expectScrubbed(`token=${token}`.replace('token=', 'as '), token, 'jwt');
    });

    it('a JWE in five segments', () => {
      const token = `${b64url('{"alg":"RSA-OAEP","enc":"A256GCM"}')}.${filler(ALNUM, 40)}.${filler(ALNUM, 16)}.${filler(ALNUM, 30)}.${filler(ALNUM, 22)}`;
      expectScrubbed(token, token, 'jwt');
    });

    it.each([
      ['a host name', 'https://login.sts-provider-example.example.com/oauth2/token'],
      ['dotted identifiers', 'com.example.provenance.IngestorApplication.main'],
      ['a version', 'client 12.4.1-beta.3 of the gateway'],
      [
        'base64url that is not a header',
        `${filler(ALNUM, 24)}.${filler(ALNUM, 24)}.${filler(ALNUM, 24)}`,
      ],
    ])('leaves %s alone', (_name, text) => {
      expect(detectCredentials(text)).toEqual([]);
    });
  });

  describe('HTTP credentials', () => {
    it.each([
      ['Bearer ', 'bearer'],
      ['bearer ', 'bearer'],
      ['BEARER\t', 'bearer'],
      ['Bearer   ', 'bearer'],
      ['Bearer%20', 'bearer'],
      ['Bearer+', 'bearer'],
      ['DPoP ', 'bearer'],
    ])('scheme written as %j', (prefix, kind) => {
      const secret = 'opaque-Secret_123.value~';
      expectScrubbed(`Authorization: ${prefix}${secret}`, secret, kind);
    });

    it('Basic credentials, but not the word "basic"', () => {
      const secret = Buffer.from('svc-billing:Tr0ub4dor&3').toString('base64');
      expectScrubbed(`authorization: Basic ${secret}`, secret, 'basic');
      expect(detectCredentials('the gateway used basic authentication for the legacy hop')).toEqual(
        [],
      );
    });

    it.each([
      'access_token',
      'id_token',
      'refresh_token',
      'subject_token',
      'actor_token',
      'client_secret',
      'api_key',
      'X-Amz-Signature',
    ])('the URL parameter %s', (name) => {
      const secret = `v4l-${filler(ALNUM, 20)}`;
      expectScrubbed(
        `https://crm.example/callback?state=abc&${name}=${secret}&lang=en`,
        secret,
        'url-parameter',
      );
    });

    it('a form body', () => {
      const secret = filler(ALNUM, 30);
      expectScrubbed(`grant_type=token-exchange&subject_token=${secret}`, secret, 'url-parameter');
    });
  });

  describe('vendor formats, from the maintained ruleset', () => {
    it('a GitHub personal access token', () => {
      const secret = `ghp_${filler(ALNUM, 36)}`;
      expectScrubbed(`pushed with ${secret} by the agent`, secret, 'github');
    });

    it('an AWS access key id and secret access key', () => {
      const keyId = `AKIA${filler(UPPER_DIGITS, 16)}`;
      const secretKey = filler(`${ALNUM}/+`, 40, 11);
      expectScrubbed(`aws key ${keyId} in the tool call`, keyId, 'aws');
      expectScrubbed(`aws_secret_access_key = ${secretKey}`, secretKey, 'aws');
    });

    it('a Slack bot token', () => {
      const secret = `xoxb-1234567890-1234567890123-${filler(ALNUM, 24)}`;
      expectScrubbed(`slack ${secret}`, secret, 'slack');
    });

    it('a private key block, even one cut short', () => {
      const body = `MII${filler(`${ALNUM}+/`, 300)}`.match(/.{1,64}/g)!.join('\n');
      const block = `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`;
      expectScrubbed(`key: ${block} (end)`, block, 'privatekey');
      const cut = `-----BEGIN RSA PRIVATE KEY-----\nMIIEow${filler(ALNUM, 30)}`;
      expectScrubbed(cut, cut, 'private-key');
    });

    it('credentials in a connection URL', () => {
      const findings: CredentialFinding[] = [];
      const out = scrubString(
        'postgres://billing_admin:hunter2secretPW@db.internal.example:5432/billing',
        'data.reason',
        findings,
      );
      expect(out).not.toContain('hunter2secretPW');
      expect(findings.length).toBeGreaterThan(0);
    });

    it('a sender cannot switch detection off with secretlint comments', () => {
      const secret = `ghp_${filler(ALNUM, 36, 3)}`;
      expectScrubbed(`// secretlint-disable\n${secret}\n// secretlint-enable`, secret, 'github');
    });
  });

  it('is idempotent: a fingerprint is never taken for a credential', () => {
    const text = `Bearer ${jose('{"alg":"RS256"}')} and ghp_${filler(ALNUM, 36)} and ?access_token=${filler(ALNUM, 12)}`;
    const once = scrubString(text, 'x', []);
    const findings: CredentialFinding[] = [];
    expect(scrubString(once, 'x', findings)).toBe(once);
    expect(findings).toEqual([]);
  });

  it('scrubs many strings as one text without letting a finding join two of them', () => {
    const token = jose('{"alg":"RS256"}');
    const findings: CredentialFinding[] = [];
    const out = scrubStrings(
      ['Bearer', 'abcdefgh12345', `say ${token}`, 'plain'],
      ['a', 'b', 'c', 'd'],
      findings,
    );
    expect(out).toEqual(['Bearer', 'abcdefgh12345', `say ${fingerprintOf(token)}`, 'plain']);
    expect(findings).toEqual([{ path: 'c', kind: 'jwt', fingerprint: fingerprintOf(token) }]);
  });

  it('remembers only clean strings: a credential is found every time it arrives', () => {
    const secret = `ghp_${filler(ALNUM, 36, 5)}`;
    for (let round = 0; round < 3; round++) {
      const findings: CredentialFinding[] = [];
      const out = scrubStrings(
        ['https://sts.acme.example', `pushed ${secret}`],
        ['a', 'b'],
        findings,
      );
      expect(out).toEqual(['https://sts.acme.example', `pushed ${fingerprintOf(secret)}`]);
      expect(findings).toHaveLength(1);
    }
  });

  it('finds the same credentials in many strings as in each alone', () => {
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom(
        jose('{"alg":"RS256"}'),
        `ghp_${filler(ALNUM, 36)}`,
        'Bearer opaque-secret-123',
        '?access_token=abcdef123',
        'a.b.c',
      ),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(piece, { maxLength: 3 }).map((parts) => parts.join(' '))),
        (texts) => {
          const alone = texts.map((text, i) => scrubString(text, String(i), []));
          const together = scrubStrings(
            texts,
            texts.map((_, i) => String(i)),
            [],
          );
          expect(together).toEqual(alone);
        },
      ),
    );
  });
});
