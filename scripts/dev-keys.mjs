// The local development signing key that the demo and the tests trust: an ES256 key pair
// created on first use under .cache/dev-auth (never committed). The API reads the public
// half as a JWKS file (AUTH_JWKS_FILE); `npm run token` signs with the private half.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEV_AUTH_DIR = fileURLToPath(new URL('../.cache/dev-auth', import.meta.url));
export const DEV_JWKS_FILE = join(DEV_AUTH_DIR, 'jwks.json');
export const DEV_PRIVATE_JWK_FILE = join(DEV_AUTH_DIR, 'private.jwk.json');
export const DEV_ISSUER = 'provenant-dev';
export const DEV_AUDIENCE = 'provenant-api';

/** Creates the key pair if it does not exist; returns the private JWK. */
export function ensureDevKeys() {
  if (!existsSync(DEV_PRIVATE_JWK_FILE) || !existsSync(DEV_JWKS_FILE)) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pub = publicKey.export({ format: 'jwk' });
    // RFC 7638 thumbprint as the key id.
    const kid = createHash('sha256')
      .update(JSON.stringify({ crv: pub.crv, kty: pub.kty, x: pub.x, y: pub.y }))
      .digest('base64url');
    mkdirSync(DEV_AUTH_DIR, { recursive: true, mode: 0o700 });
    writeFileSync(
      DEV_PRIVATE_JWK_FILE,
      JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }),
      { mode: 0o600 },
    );
    writeFileSync(
      DEV_JWKS_FILE,
      JSON.stringify({ keys: [{ ...pub, kid, alg: 'ES256', use: 'sig' }] }, null, 2),
    );
  }
  return JSON.parse(readFileSync(DEV_PRIVATE_JWK_FILE, 'utf8'));
}
