// The blast radius of a token: the token, every token derived from it (breadth first, with
// what is left of each one's validity), and every action done under any of them — the hops
// of the requests that presented one, found through the lineage's exchanges and, where the
// API offers it, the request search by token.
import { graphql } from '../api/graphql-client';
import { REQUEST_HOPS, TOKEN_LINEAGE } from '../api/queries';
import { searchRequests, searchUnavailable, type TokenMatch } from '../api/search-api';
import type { Connection, Hop, LineageNode, Token } from '../api/types';
import type { Session } from '../auth/session';
import { href } from '../routing/hash-router';
import { Failure, Loading, useLoad } from '../ui/async';
import { formatTime, remainingValidity } from '../ui/time';

type Action = Pick<
  Hop,
  | 'hopId'
  | 'requestId'
  | 'occurredAt'
  | 'reportedBy'
  | 'decision'
  | 'actor'
  | 'onBehalfOf'
  | 'target'
> & {
  token?: { key: string; fingerprint?: string | null } | null;
};

interface BlastRadius {
  lineage: LineageNode[];
  truncated: boolean;
  actions: Action[];
}

const MAX_TOKENS = 500;
const MAX_REQUESTS = 200;
/** The API prices a page by its size: request searches come in pages of this many. */
const SEARCH_PAGE = 50;
/** Tokens of a lineage whose requests are searched, one search each. */
const MAX_SEARCHED_TOKENS = 50;

/** The API prices a page by its size: the lineage comes in pages of this many tokens. */
const LINEAGE_PAGE = 50;

async function lineageOf(
  token: string,
  name: Record<string, string | undefined>,
): Promise<{ lineage: LineageNode[]; truncated: boolean }> {
  const lineage: LineageNode[] = [];
  let after: string | undefined;
  for (;;) {
    const { tokenLineage } = await graphql<{ tokenLineage: Connection<LineageNode> }>(
      token,
      TOKEN_LINEAGE,
      { ...name, first: LINEAGE_PAGE, after },
    );
    lineage.push(...tokenLineage.edges.map((e) => e.node));
    if (!tokenLineage.pageInfo.hasNextPage) return { lineage, truncated: false };
    if (lineage.length >= MAX_TOKENS) return { lineage, truncated: true };
    after = tokenLineage.pageInfo.endCursor ?? undefined;
  }
}

/** How the request search names a token: by jti and issuer, or by fingerprint. */
const matchOf = (t: Token): TokenMatch | undefined =>
  t.jti
    ? { jti: t.jti, issuer: t.issuer ?? undefined }
    : t.fingerprint
      ? { fingerprint: t.fingerprint }
      : undefined;

/** The requests that presented or exchanged one of the tokens (none on an API without search). */
async function requestsWith(token: string, matches: TokenMatch[]): Promise<Set<string>> {
  const ids = new Set<string>();
  try {
    for (const match of matches.slice(0, MAX_SEARCHED_TOKENS)) {
      let after: string | undefined;
      do {
        const page = await searchRequests(token, { token: match }, { first: SEARCH_PAGE, after });
        page.edges.forEach((e) => ids.add(e.node.requestId));
        after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? undefined) : undefined;
      } while (after && ids.size < MAX_REQUESTS);
    }
  } catch (error) {
    if (!searchUnavailable(error)) throw error;
  }
  return ids;
}

interface RequestTokens {
  hops: Action[];
  tokens: Array<{ token: { key: string; fingerprint?: string | null } }>;
}

const requestsTokens = (token: string, requestIds: Iterable<string>) =>
  Promise.all(
    [...requestIds]
      .slice(0, MAX_REQUESTS)
      .map((requestId) =>
        graphql<{ provenance: RequestTokens | null }>(token, REQUEST_HOPS, { requestId }),
      ),
  ).then((answers) => answers.flatMap((a) => (a.provenance ? [a.provenance] : [])));

async function blastRadius(
  token: string,
  name: Record<string, string | undefined>,
): Promise<BlastRadius> {
  let { lineage, truncated } = await lineageOf(token, name);
  if (lineage.length === 0 && name.fingerprint) {
    // A token the gateways also named by its jti is keyed by that jti: find its key in the
    // requests that presented a token of this fingerprint, then its lineage.
    const seen = await requestsTokens(
      token,
      await requestsWith(token, [{ fingerprint: name.fingerprint }]),
    );
    const key = seen
      .flatMap((r) => [...r.hops.map((h) => h.token), ...r.tokens.map((d) => d.token)])
      .find((t) => t?.fingerprint === name.fingerprint)?.key;
    if (key) ({ lineage, truncated } = await lineageOf(token, { key }));
  }
  const keys = new Set(lineage.map((n) => n.token.key));
  const requestIds = new Set(lineage.map((n) => n.requestId).filter((id): id is string => !!id));
  const matches = lineage.map((n) => matchOf(n.token)).filter((m) => m !== undefined);
  for (const id of await requestsWith(token, matches)) requestIds.add(id);
  const actions = (await requestsTokens(token, requestIds))
    .flatMap((r) => r.hops)
    .filter((hop) => hop.token && keys.has(hop.token.key))
    .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt));
  return { lineage, truncated, actions };
}

export function BlastRadiusView({
  session,
  params,
}: {
  session: Session;
  params: URLSearchParams;
}) {
  const name = {
    key: params.get('key') ?? undefined,
    fingerprint: params.get('fingerprint') ?? undefined,
    jti: params.get('jti') ?? undefined,
    issuer: params.get('issuer') ?? undefined,
  };
  const loaded = useLoad(
    () => blastRadius(session.token, name),
    [session.token, params.toString()],
  );
  const title =
    name.key ?? name.fingerprint ?? `${name.jti ?? ''}${name.issuer ? ` (${name.issuer})` : ''}`;
  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'failed') return <Failure error={loaded.error} />;
  const { lineage, actions, truncated } = loaded.value;
  if (!lineage.length)
    return (
      <p role="status" data-testid="not-found">
        No token <code>{title}</code> that your tenants may see.
      </p>
    );
  const now = Date.now();
  return (
    <>
      <header className="view-head">
        <h1>
          Blast radius of <code data-testid="blast-root">{lineage[0].token.key}</code>
        </h1>
        <p>
          <strong data-testid="blast-token-count">{lineage.length}</strong> token
          {lineage.length === 1 ? '' : 's'} (the token and every token derived from it)
          {truncated && ', first ' + String(MAX_TOKENS) + ' shown'} ·{' '}
          <strong data-testid="blast-action-count">{actions.length}</strong> action
          {actions.length === 1 ? '' : 's'} under them
        </p>
      </header>
      <section aria-labelledby="derived-h">
        <h2 id="derived-h">Tokens</h2>
        <table className="results" data-testid="blast-tokens">
          <thead>
            <tr>
              <th scope="col">Token</th>
              <th scope="col">Depth</th>
              <th scope="col">Held by</th>
              <th scope="col">Scopes</th>
              <th scope="col">Validity</th>
              <th scope="col">Request</th>
            </tr>
          </thead>
          <tbody>
            {lineage.map((n) => {
              const revoked = !!n.token.revokedAt;
              return (
                <tr
                  key={`${n.token.reportedBy}|${n.token.key}`}
                  data-testid="blast-token"
                  data-token-key={n.token.key}
                >
                  <td>
                    <a href={href.token({ key: n.token.key })}>{n.token.key}</a>
                  </td>
                  <td>{n.depth}</td>
                  <td>
                    {n.actor ?? '—'}
                    {n.subject && <span className="muted"> for {n.subject}</span>}
                  </td>
                  <td>{n.token.scopes.join(' ') || '—'}</td>
                  <td className={revoked ? 'revoked' : undefined} data-testid="validity">
                    {revoked
                      ? `revoked ${formatTime(n.token.revokedAt)}`
                      : remainingValidity(n.token.expiresAt, now)}
                  </td>
                  <td>
                    {n.requestId ? <a href={href.request(n.requestId)}>{n.requestId}</a> : '—'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="under-h">
        <h2 id="under-h">Actions under these tokens, newest first</h2>
        {actions.length === 0 ? (
          <p>No action observed under them.</p>
        ) : (
          <table className="results" data-testid="blast-actions">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Target</th>
                <th scope="col">Decision</th>
                <th scope="col">Token</th>
                <th scope="col">Request</th>
              </tr>
            </thead>
            <tbody>
              {actions.map((a) => (
                <tr
                  key={`${a.reportedBy}|${a.requestId}|${a.hopId}`}
                  data-testid="blast-action"
                  data-request-id={a.requestId}
                >
                  <td>{formatTime(a.occurredAt)}</td>
                  <td>
                    <a href={href.principal(a.actor)}>{a.actor.id}</a>
                  </td>
                  <td>
                    {a.target.service} {a.target.action ?? ''} {a.target.resource ?? ''}
                  </td>
                  <td className={`decision decision-${a.decision.toLowerCase()}`}>{a.decision}</td>
                  <td>{a.token?.key}</td>
                  <td>
                    <a href={href.request(a.requestId)}>{a.requestId}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
