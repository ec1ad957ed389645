import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthenticationError, JwtVerifier } from './jwt-verifier';

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'provenant-api';

describe('JwtVerifier', () => {
  let verifier: JwtVerifier;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let publicJwk: JWK;

  type SignOptions = {
    alg?: string;
    key?: typeof privateKey | Uint8Array;
    exp?: string;
    iss?: string;
    aud?: string;
  };
  const sign = (
    claims: Record<string, unknown> = {},
    { alg = 'ES256', key = privateKey, exp = '5m', iss = ISSUER, aud = AUDIENCE }: SignOptions = {},
  ) =>
    new SignJWT({ tenants: ['acme'], roles: ['investigator'], ...claims })
      .setProtectedHeader({ alg, kid: 'k1' })
      .setSubject('alice')
      .setIssuer(iss)
      .setAudience(aud)
      .setExpirationTime(exp)
      .sign(key);

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
    const file = join(mkdtempSync(join(tmpdir(), 'jwks-')), 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [publicJwk] }));
    verifier = new JwtVerifier({ jwksFile: file, issuer: ISSUER, audience: AUDIENCE });
  });

  it('accepts a valid token and reads tenants and known roles', async () => {
    const caller = await verifier.verify(
      `Bearer ${await sign({ roles: ['investigator', 'root'] })}`,
    );
    expect(caller.sub).toBe('alice');
    expect(caller.tenants).toEqual(['acme']);
    expect([...caller.roles]).toEqual(['investigator']);
    expect(caller.scope).toEqual({ kind: 'tenants', tenants: ['acme'] });
  });

  it.each([
    ['no header', () => Promise.resolve(undefined)],
    ['not bearer', () => Promise.resolve(`Basic ${Buffer.from('a:b').toString('base64')}`)],
    ['expired', async () => `Bearer ${await sign({}, { exp: '-1m' })}`],
    ['wrong issuer', async () => `Bearer ${await sign({}, { iss: 'https://evil.test' })}`],
    ['wrong audience', async () => `Bearer ${await sign({}, { aud: 'other' })}`],
    ['no tenants', async () => `Bearer ${await sign({ tenants: [] })}`],
    [
      'alg none',
      () => {
        const body = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        return Promise.resolve(
          `Bearer ${body({ alg: 'none' })}.${body({ sub: 'x', iss: ISSUER, aud: AUDIENCE, tenants: ['acme'], exp: 9e9 })}.`,
        );
      },
    ],
    [
      'HMAC signed with the public key',
      async () =>
        `Bearer ${await sign({}, { alg: 'HS256', key: new TextEncoder().encode(JSON.stringify(publicJwk)) })}`,
    ],
    [
      'tampered payload',
      async () => {
        const [header, , signature] = (await sign()).split('.');
        const forged = Buffer.from(
          JSON.stringify({
            sub: 'alice',
            iss: ISSUER,
            aud: AUDIENCE,
            tenants: ['globex'],
            roles: ['admin'],
            exp: 9e9,
          }),
        ).toString('base64url');
        return `Bearer ${header}.${forged}.${signature}`;
      },
    ],
  ])('rejects %s', async (_name, header) => {
    await expect(verifier.verify(await header())).rejects.toBeInstanceOf(AuthenticationError);
  });
});
