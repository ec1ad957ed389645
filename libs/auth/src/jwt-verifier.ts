import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import { Caller, callerClaimsSchema } from './caller';

export interface JwtVerifierOptions {
  jwksUrl?: string;
  jwksFile?: string;
  issuer: string;
  audience: string;
}

/**
 * Asymmetric algorithms only: `none` and HMAC are refused outright, so a token "signed"
 * with the public key as an HMAC secret can never verify.
 */
export const ACCEPTED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

export class AuthenticationError extends Error {}

export class JwtVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly options: JwtVerifierOptions) {
    if (options.jwksUrl) {
      this.keys = createRemoteJWKSet(new URL(options.jwksUrl), {
        cooldownDuration: 30_000,
        cacheMaxAge: 600_000,
      });
    } else if (options.jwksFile) {
      this.keys = createLocalJWKSet(
        JSON.parse(readFileSync(options.jwksFile, 'utf8')) as JSONWebKeySet,
      );
    } else {
      throw new Error('a JWKS URL or file is required');
    }
  }

  /** A verified caller, or an AuthenticationError whose message is safe to return. */
  async verify(authorization: string | undefined): Promise<Caller> {
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization?.trim() ?? '');
    if (!match) throw new AuthenticationError('a bearer token is required');
    try {
      const { payload } = await jwtVerify(match[1], this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 5,
      });
      const claims = callerClaimsSchema.safeParse(payload);
      if (!claims.success)
        throw new AuthenticationError('the token lacks valid tenants or sub claims');
      return new Caller(
        claims.data.sub,
        claims.data.tenants,
        new Set(claims.data.roles),
        typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : undefined,
      );
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      if (error instanceof errors.JWTExpired)
        throw new AuthenticationError('the token has expired');
      throw new AuthenticationError('the token could not be verified');
    }
  }
}
