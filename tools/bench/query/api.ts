// Contender 1: the API over HTTP. The built API process against the loaded database, asked
// a full `provenance` query over one keep-alive connection, with a development token of the
// request's own tenant.
import http from 'node:http';
import { signDevToken } from '../../infra/dev-keys';
import { onCleanUp } from '../kit';
import { TENANTS } from './size';

export const PROVENANCE_QUERY = `query Provenance($requestId: ID!) {
  provenance(requestId: $requestId) {
    requestId
    origin { id kind }
    chain { position principal { id kind } }
    hops {
      hopId parentHopId
      actor { id }
      onBehalfOf { id }
      target { service }
      decision
      token { jti }
    }
    tokens { token { jti } parent { jti } }
    gaps { kind reason }
    anomalies { rule severity }
    complete
  }
}`;

/** The parts of a `provenance` answer the benchmark checks. */
export interface ProvenanceAnswer {
  origin: { id: string } | null;
  hops: Array<{ hopId: string }>;
  tokens: unknown[];
  anomalies: unknown[];
  complete: boolean;
}

export interface GraphqlReply {
  status: number | undefined;
  body: { data?: { provenance: ProvenanceAnswer | null }; errors?: unknown[] };
}

/** POSTs one GraphQL request over a single keep-alive connection; resolves with the parsed body. */
export function graphqlClient(
  port: number,
): (token: string, body: string) => Promise<GraphqlReply> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  onCleanUp(() => agent.destroy());
  return (token, body) =>
    new Promise((resolve, reject) => {
      const payload = Buffer.from(body);
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/graphql',
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': payload.length,
            authorization: `Bearer ${token}`,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({
                status: response.statusCode,
                body: JSON.parse(text) as GraphqlReply['body'],
              });
            } catch {
              reject(new Error(`HTTP ${response.statusCode}: ${text.slice(0, 500)}`));
            }
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
}

/** One development token per tenant (role investigator), valid two hours. */
export async function signTokens(): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  for (const tenant of TENANTS) {
    tokens.set(
      tenant,
      await signDevToken({
        tenants: [tenant],
        roles: ['investigator'],
        subject: `bench-query@${tenant}`,
        expiresIn: '2h',
      }),
    );
  }
  return tokens;
}
