// Every call the console makes goes through here: GraphQL over HTTP POST with the user's
// token in the Authorization header (a non-simple request, so the API's CSRF protection
// stays on), and the HTTP exports with the same header.

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

interface GraphqlBody<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export async function graphql<T>(
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  let body: GraphqlBody<T>;
  try {
    body = (await response.json()) as GraphqlBody<T>;
  } catch {
    throw new ApiError(`the API answered ${response.status}`, undefined, response.status);
  }
  if (body.errors?.length) {
    const [first] = body.errors;
    throw new ApiError(first.message, first.extensions?.code, response.status);
  }
  if (!body.data) throw new ApiError('the API answered no data', undefined, response.status);
  return body.data;
}

/** A GET of the HTTP API as the user, answered as text (the PROV export). */
export async function getText(token: string, path: string): Promise<string> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (!response.ok)
    throw new ApiError(`${path.split('?')[0]}: ${response.status}`, undefined, response.status);
  return text;
}
