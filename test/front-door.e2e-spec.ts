import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { devToken, graphql } from './support/graphql-client';
import { startService, stopGracefully, type IngestorProcess } from './support/service-process';

/**
 * HTTP and graphql-ws are one front door: the same parse limit, validation rules, cost
 * limit, error formatting and production policy (CONTRACT §3, tenant review P4).
 */
interface Answer {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

async function overSocket(port: number, query: string, roles: string[]): Promise<Answer> {
  const client = createClient({
    url: `ws://127.0.0.1:${port}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${await devToken(['acme'], roles)}` },
    retryAttempts: 0,
  });
  try {
    return await new Promise<Answer>((resolve) => {
      const answer: Answer = {};
      client.subscribe(
        { query },
        {
          next: (message) => Object.assign(answer, message),
          error: (error) =>
            resolve({
              errors: Array.isArray(error)
                ? (error as Answer['errors'])
                : [{ message: String((error as Error).message ?? error) }],
            }),
          complete: () => resolve(answer),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

const overHttp = async (port: number, query: string, roles: string[]): Promise<Answer> =>
  graphql(port, query, {}, `Bearer ${await devToken(['acme'], roles)}`);

const TRANSPORTS = [
  ['HTTP', overHttp],
  ['graphql-ws', overSocket],
] as const;

describe('one front door for HTTP and graphql-ws', () => {
  let api: IngestorProcess;
  let production: IngestorProcess;

  beforeAll(async () => {
    [api, production] = await Promise.all([
      startService('api', {}),
      startService('api', {
        NODE_ENV: 'production',
        AUTH_JWKS_FILE: '.cache/dev-auth/jwks.json',
        LEDGER_VERIFIER_KEY_FILE: '.cache/dev-ledger/verifier.key',
        AUTH_ISSUER: 'provenant-dev',
        AUTH_AUDIENCE: 'provenant-api',
      }),
    ]);
  });

  afterAll(async () => {
    await stopGracefully(api, production);
  });

  describe.each(TRANSPORTS)('over %s', (_name, send) => {
    it('refuses ~900 aliased provenance calls before running any, and bounds aliases', async () => {
      const aliased = (n: number) =>
        `query { ${Array.from({ length: n }, (_, i) => `a${i}: provenance(requestId: "r${i}") { requestId }`).join(' ')} }`;
      const flood = await send(api.port, aliased(900), ['investigator']);
      expect(flood.data ?? null).toBeNull();
      expect(flood.errors?.[0]?.message).toMatch(/alias|tokens/i);
      const some = await send(api.port, aliased(20), ['investigator']);
      expect(some.data ?? null).toBeNull();
      expect(some.errors?.[0]?.message).toMatch(/alias/i);
      expect((await send(api.port, aliased(3), ['investigator'])).errors).toBeUndefined();
    });

    it('prices nested pages by their size: actions(first: 500) under every hop is refused', async () => {
      const nested = (first: number) => `query {
        provenance(requestId: "none") { hops { actor { actions(first: ${first}) {
          edges { node { hopId actor { id issuer tenant kind } target { service } } } } } } }
      }`;
      const big = await send(api.port, nested(500), ['investigator']);
      expect(big.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      const small = await send(api.port, nested(5), ['investigator']);
      expect(small.errors).toBeUndefined();
      expect(small.data).toEqual({ provenance: null });
    });

    it('refuses a query deeper than the limit', async () => {
      let selection = 'id';
      for (let i = 0; i < 20; i++)
        selection = `actions { edges { node { actor { ${selection} } } } }`;
      const answer = await send(
        api.port,
        `query { principal(tenant: "acme", issuer: "i", id: "x") { ${selection} } }`,
        ['investigator'],
      );
      expect(answer.data ?? null).toBeNull();
      expect(answer.errors?.[0]?.message).toMatch(/depth/i);
    });

    it('refuses a document of more tokens than the limit', async () => {
      const fields = Array.from({ length: 6000 }, () => '__typename').join(' ');
      const answer = await send(api.port, `query { ${fields} }`, ['investigator']);
      expect(answer.data ?? null).toBeNull();
      expect(answer.errors?.[0]?.message).toMatch(/token/i);
    });

    it('in production, answers no introspection and suggests no field names', async () => {
      const introspection = await send(production.port, '{ __schema { types { name } } }', [
        'investigator',
      ]);
      expect(introspection.data ?? null).toBeNull();
      expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
      const typo = await send(production.port, '{ provenanc(requestId: "x") { requestId } }', [
        'investigator',
      ]);
      expect(typo.errors?.[0]?.message).toBeDefined();
      expect(JSON.stringify(typo.errors)).not.toMatch(/did you mean|"provenance"/i);
    });
  });
  describe('the console and its development sign-in', () => {
    it('serves the console under /console in production too, with its policy, outside the guard', async () => {
      for (const service of [api, production]) {
        const response = await fetch(`http://127.0.0.1:${service.port}/console/`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
        expect(await response.text()).toContain('<div id="root">');
      }
    });

    it('mints a development token outside production, which the API then accepts', async () => {
      const base = `http://127.0.0.1:${api.port}/v1/dev/sign-in`;
      const options = await fetch(base);
      expect(options.status).toBe(200);
      expect(((await options.json()) as { roles: string[] }).roles).toEqual([
        'investigator',
        'dashboard',
        'siem',
        'admin',
      ]);
      const refused = await fetch(base, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenants: ['acme'], roles: ['root'] }),
      });
      expect(refused.status).toBe(400);
      const minted = await fetch(base, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenants: ['acme'], roles: ['investigator'] }),
      });
      expect(minted.status).toBe(200);
      const { token } = (await minted.json()) as { token: string };
      const answer = await graphql(
        api.port,
        '{ provenance(requestId: "nope") { requestId } }',
        {},
        `Bearer ${token}`,
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual({ provenance: null });
    });

    it('has no development sign-in in production, even with the development key configured', async () => {
      const base = `http://127.0.0.1:${production.port}/v1/dev/sign-in`;
      expect((await fetch(base)).status).toBe(404);
      const minted = await fetch(base, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenants: ['acme'], roles: ['admin'] }),
      });
      expect(minted.status).toBe(404);
      expect(await minted.text()).not.toMatch(/eyJ/);
    });
  });
});
