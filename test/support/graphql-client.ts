import { importJWK, SignJWT } from 'jose';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const PRIVATE_JWK = join(__dirname, '..', '..', '.cache', 'dev-auth', 'private.jwk.json');

/** A token signed with the development key the API under test trusts. */
export async function devToken(
  tenants: string[],
  roles: string[],
  overrides: { exp?: string; iss?: string; aud?: string } = {},
): Promise<string> {
  const jwk = JSON.parse(readFileSync(PRIVATE_JWK, 'utf8')) as { kid: string };
  const key = await importJWK(jwk, 'ES256');
  return new SignJWT({ tenants, roles })
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
    .setSubject('test-user')
    .setIssuer(overrides.iss ?? 'provenant-dev')
    .setAudience(overrides.aud ?? 'provenant-api')
    .setIssuedAt()
    .setExpirationTime(overrides.exp ?? '10m')
    .sign(key);
}

export interface GraphqlResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export async function graphql<T = Record<string, any>>(
  port: number,
  query: string,
  variables: Record<string, unknown> = {},
  authorization?: string,
): Promise<GraphqlResponse<T>> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphqlResponse<T>, 'status'>;
  return { status: response.status, ...body };
}
