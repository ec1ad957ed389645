import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { ROLES, type Role } from './caller';

/** Where the development key's private half sits: beside its JWKS (tools/infra/dev-keys.ts). */
export const DEV_PRIVATE_JWK_NAME = 'private.jwk.json';

export interface DevTokenRequest {
  tenants: string[];
  roles: Role[];
  subject: string;
  lifetimeSeconds: number;
}

/**
 * Signs tokens with the local development key, for the console's one-click sign-in outside
 * production. It exists only when the API verifies tokens with a JWKS file whose key has
 * its private half beside it (the development key the demo and the tests create), so it
 * can never mint a token that a real identity provider's JWKS would accept.
 */
export class DevTokenSigner {
  private constructor(
    private readonly jwk: JWK & { kid: string },
    private readonly issuer: string,
    private readonly audience: string,
  ) {}

  static fromJwksFile(
    jwksFile: string | undefined,
    claims: { issuer: string; audience: string },
  ): DevTokenSigner | null {
    if (!jwksFile) return null;
    const privateFile = join(dirname(jwksFile), DEV_PRIVATE_JWK_NAME);
    if (!existsSync(jwksFile) || !existsSync(privateFile)) return null;
    const jwks = JSON.parse(readFileSync(jwksFile, 'utf8')) as JSONWebKeySet;
    const jwk = JSON.parse(readFileSync(privateFile, 'utf8')) as JWK & { kid?: string };
    if (!jwk.kid || !jwk.d || !jwks.keys.some((key) => key.kid === jwk.kid)) return null;
    return new DevTokenSigner({ ...jwk, kid: jwk.kid }, claims.issuer, claims.audience);
  }

  readonly roles: readonly Role[] = ROLES;

  async sign({ tenants, roles, subject, lifetimeSeconds }: DevTokenRequest): Promise<string> {
    const alg = this.jwk.alg ?? 'ES256';
    const key = await importJWK(this.jwk, alg);
    return new SignJWT({ tenants, roles })
      .setProtectedHeader({ alg, kid: this.jwk.kid, typ: 'JWT' })
      .setSubject(subject)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
      .sign(key);
  }
}
