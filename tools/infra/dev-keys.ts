// The local development signing key that the demo and the tests trust: an ES256 key pair
// created on first use under .cache/dev-auth (never committed); and the ledger's Ed25519
// checkpoint key under .cache/dev-ledger. The API reads the public
// half as a JWKS file (AUTH_JWKS_FILE); `npm run token`, the tests and the query benchmark
// sign with the private half.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// Relative, not @app/ledger: jest's global set-up loads this file without the path mapping.
import { generateSignerKey, parseSignerKey } from '../../libs/ledger/src/signed-note';
import { importJWK, SignJWT, type JWK } from 'jose';
import { CACHE_DIR } from './paths';

export const DEV_AUTH_DIR = join(CACHE_DIR, 'dev-auth');
export const DEV_JWKS_FILE = join(DEV_AUTH_DIR, 'jwks.json');
export const DEV_PRIVATE_JWK_FILE = join(DEV_AUTH_DIR, 'private.jwk.json');
export const DEV_ISSUER = 'provenant-dev';
export const DEV_AUDIENCE = 'provenant-api';

export type DevJwk = JWK & { kid: string };

export const DEV_LEDGER_DIR = join(CACHE_DIR, 'dev-ledger');
export const DEV_LEDGER_SIGNER = join(DEV_LEDGER_DIR, 'signer.key');
export const DEV_LEDGER_VERIFIER = join(DEV_LEDGER_DIR, 'verifier.key');
/** The development ledger's name: its checkpoints' origin line. */
export const DEV_LEDGER_NAME = 'provenant.localhost/ledger';

/** The ledger's development signing key (Ed25519, C2SP/sumdb key forms), created if missing. */
export function ensureDevLedgerKeys(): void {
  if (existsSync(DEV_LEDGER_SIGNER) && existsSync(DEV_LEDGER_VERIFIER)) return;
  const skey = generateSignerKey(DEV_LEDGER_NAME);
  mkdirSync(DEV_LEDGER_DIR, { recursive: true, mode: 0o700 });
  writeFileSync(DEV_LEDGER_SIGNER, `${skey}\n`, { mode: 0o600 });
  writeFileSync(DEV_LEDGER_VERIFIER, `${parseSignerKey(skey).verifierKey}\n`);
}

/** Creates the key pairs if they do not exist; returns the private JWK. */
export function ensureDevKeys(): DevJwk {
  ensureDevLedgerKeys();
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
  return JSON.parse(readFileSync(DEV_PRIVATE_JWK_FILE, 'utf8')) as DevJwk;
}

export interface DevTokenClaims {
  tenants: string[];
  roles: string[];
  subject: string;
  /** A lifetime in seconds, or a jose time span such as `'10m'`. */
  expiresIn: number | string;
  issuer?: string;
  audience?: string;
}

/** A JWT signed with the development key (created if needed). */
export async function signDevToken({
  tenants,
  roles,
  subject,
  expiresIn,
  issuer = DEV_ISSUER,
  audience = DEV_AUDIENCE,
}: DevTokenClaims): Promise<string> {
  const jwk = ensureDevKeys();
  const key = await importJWK(jwk, 'ES256');
  return new SignJWT({ tenants, roles })
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(
      typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn,
    )
    .sign(key);
}
