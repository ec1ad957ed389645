import { signDevToken } from '../../tools/infra';

/** A token signed with the development key the API under test trusts. */
export function devToken(
  tenants: string[],
  roles: string[],
  overrides: { exp?: string; iss?: string; aud?: string } = {},
): Promise<string> {
  return signDevToken({
    tenants,
    roles,
    subject: 'test-user',
    expiresIn: overrides.exp ?? '10m',
    issuer: overrides.iss,
    audience: overrides.aud,
  });
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
