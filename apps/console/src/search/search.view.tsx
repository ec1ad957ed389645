// Finding where to start: a request by id, a principal by any part of its id or name, the
// requests that touched a service or resource within a time window, or a token by jti, by
// fingerprint or by the raw token itself — fingerprinted here, in the browser, never sent.
import { useState, type FormEvent, type ReactNode } from 'react';
import {
  searchPrincipals,
  searchRequests,
  searchUnavailable,
  type RequestFilter,
  type RequestSummary,
} from '../api/search-api';
import type { Connection, Principal } from '../api/types';
import type { Session } from '../auth/session';
import { href, navigate } from '../routing/hash-router';
import { KindBadge } from '../ui/principal-kind';
import { SeverityBadge } from '../ui/severity';
import { formatTime } from '../ui/time';
import { bareToken, fingerprintOf } from './token-fingerprint';

const PAGE = 25;
const MODES = [
  ['request', 'Request id'],
  ['principal', 'Principal'],
  ['requests', 'Target & time window'],
  ['token', 'Token'],
] as const;
type Mode = (typeof MODES)[number][0];

/** A `datetime-local` value (the user's local time) as RFC 3339 UTC, or undefined. */
const toIso = (local: string): string | undefined =>
  local ? new Date(local).toISOString() : undefined;

function Pager<T>(props: {
  page: Connection<T> | null;
  cursors: string[];
  onPage: (after: string | undefined, cursors: string[]) => void;
}) {
  const { page, cursors, onPage } = props;
  if (!page) return null;
  return (
    <div className="toolbar">
      {cursors.length > 0 && (
        <button
          type="button"
          onClick={() => onPage(cursors.at(-2), cursors.slice(0, -1))}
          data-testid="prev-page"
        >
          Previous page
        </button>
      )}
      {page.pageInfo.hasNextPage && (
        <button
          type="button"
          onClick={() =>
            onPage(page.pageInfo.endCursor ?? undefined, [
              ...cursors,
              page.pageInfo.endCursor ?? '',
            ])
          }
          data-testid="next-page"
        >
          Next page
        </button>
      )}
    </div>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

function PrincipalSearch({ session }: { session: Session }) {
  const [text, setText] = useState('');
  const [tenant, setTenant] = useState('');
  const [issuer, setIssuer] = useState('');
  const [page, setPage] = useState<Connection<Principal> | null>(null);
  const [cursors, setCursors] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  const run = async (after: string | undefined, nextCursors: string[]) => {
    setError(undefined);
    try {
      setPage(
        await searchPrincipals(session.token, { text, tenant, issuer }, { first: PAGE, after }),
      );
      setCursors(nextCursors);
    } catch (e) {
      setError(searchUnavailable(e) ? 'This API has no principal search.' : (e as Error).message);
    }
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void run(undefined, []);
      }}
      aria-label="search principals"
    >
      <div className="fields">
        <Field label="Any part of its id or name">
          <input
            value={text}
            onChange={(e) => setText(e.target.value)}
            required
            data-testid="principal-text"
          />
        </Field>
        <Field label="Tenant (optional)">
          <input
            value={tenant}
            onChange={(e) => setTenant(e.target.value)}
            data-testid="principal-tenant"
          />
        </Field>
        <Field label="Issuer (optional)">
          <input
            value={issuer}
            onChange={(e) => setIssuer(e.target.value)}
            data-testid="principal-issuer"
          />
        </Field>
        <button type="submit" data-testid="principal-search">
          Search
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {page && (
        <ul className="results-list" data-testid="principal-results">
          {page.edges.length === 0 && <li>No principal found.</li>}
          {page.edges.map(({ node }) => (
            <li
              key={`${node.reportedBy}|${node.tenant}|${node.issuer}|${node.id}`}
              data-testid="principal-result"
            >
              <KindBadge kind={node.kind} /> <a href={href.principal(node)}>{node.id}</a>{' '}
              <span className="muted">
                {node.displayName} · {node.issuer} · {node.tenant}
              </span>
            </li>
          ))}
        </ul>
      )}
      <Pager page={page} cursors={cursors} onPage={(a, c) => void run(a, c)} />
    </form>
  );
}

function RequestSearch({ session }: { session: Session }) {
  const [target, setTarget] = useState('');
  const [principal, setPrincipal] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [page, setPage] = useState<Connection<RequestSummary> | null>(null);
  const [cursors, setCursors] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  const run = async (after: string | undefined, nextCursors: string[]) => {
    setError(undefined);
    const filter: RequestFilter = {
      target,
      principal: principal ? { search: principal } : undefined,
      since: toIso(since),
      until: toIso(until),
    };
    try {
      setPage(await searchRequests(session.token, filter, { first: PAGE, after }));
      setCursors(nextCursors);
    } catch (e) {
      setError(searchUnavailable(e) ? 'This API has no request search.' : (e as Error).message);
    }
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void run(undefined, []);
      }}
      aria-label="search requests"
    >
      <div className="fields">
        <Field label="Target service or resource (any part)">
          <input
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            data-testid="request-target"
          />
        </Field>
        <Field label="Principal (any part, optional)">
          <input
            value={principal}
            onChange={(e) => setPrincipal(e.target.value)}
            data-testid="request-principal"
          />
        </Field>
        <Field label="From">
          <input
            type="datetime-local"
            value={since}
            onChange={(e) => setSince(e.target.value)}
            data-testid="request-since"
          />
        </Field>
        <Field label="Until">
          <input
            type="datetime-local"
            value={until}
            onChange={(e) => setUntil(e.target.value)}
            data-testid="request-until"
          />
        </Field>
        <button type="submit" data-testid="request-search">
          Search
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {page && (
        <ul className="results-list" data-testid="request-results">
          {page.edges.length === 0 && <li>No request found.</li>}
          {page.edges.map(({ node }) => (
            <li key={node.requestId} data-testid="request-result" data-request-id={node.requestId}>
              <a href={href.request(node.requestId)}>{node.requestId}</a>{' '}
              {node.maxSeverity && <SeverityBadge severity={node.maxSeverity} />}{' '}
              <span className="muted">
                {formatTime(node.lastSeenAt)} · {node.hopCount} hop{node.hopCount === 1 ? '' : 's'}{' '}
                · {node.targets.join(', ')}
                {node.origin && <> · origin {node.origin.id}</>}
                {!node.complete && <> · incomplete</>}
                {node.openAnomalies > 0 && <> · {node.openAnomalies} open anomalies</>}
              </span>
            </li>
          ))}
        </ul>
      )}
      <Pager page={page} cursors={cursors} onPage={(a, c) => void run(a, c)} />
    </form>
  );
}

function TokenSearch() {
  const [jti, setJti] = useState('');
  const [issuer, setIssuer] = useState('');
  const [fingerprint, setFingerprint] = useState('');
  const [raw, setRaw] = useState('');
  const byJti = (e: FormEvent) => {
    e.preventDefault();
    navigate(href.token({ jti: jti.trim(), issuer: issuer.trim() || undefined }));
  };
  const byFingerprint = (e: FormEvent) => {
    e.preventDefault();
    const value = fingerprint.trim().toLowerCase();
    navigate(href.token({ fingerprint: value.startsWith('sha256:') ? value : `sha256:${value}` }));
  };
  const byRaw = async (e: FormEvent) => {
    e.preventDefault();
    const computed = await fingerprintOf(bareToken(raw));
    setRaw('');
    navigate(href.token({ fingerprint: computed }));
  };
  return (
    <div className="token-search">
      <form onSubmit={byJti} aria-label="token by jti">
        <div className="fields">
          <Field label="jti">
            <input
              value={jti}
              onChange={(e) => setJti(e.target.value)}
              required
              data-testid="token-jti"
            />
          </Field>
          <Field label="Issuer">
            <input
              value={issuer}
              onChange={(e) => setIssuer(e.target.value)}
              data-testid="token-issuer"
            />
          </Field>
          <button type="submit" data-testid="token-jti-search">
            Find by jti
          </button>
        </div>
      </form>
      <form onSubmit={byFingerprint} aria-label="token by fingerprint">
        <div className="fields">
          <Field label="Fingerprint (sha256:…)">
            <input
              value={fingerprint}
              onChange={(e) => setFingerprint(e.target.value)}
              required
              pattern="(sha256:)?[0-9a-fA-F]{64}"
              data-testid="token-fingerprint"
            />
          </Field>
          <button type="submit" data-testid="token-fingerprint-search">
            Find by fingerprint
          </button>
        </div>
      </form>
      <form onSubmit={(e) => void byRaw(e)} aria-label="token by raw value" autoComplete="off">
        <div className="fields">
          <Field label="A leaked token, pasted: only its SHA-256 fingerprint leaves this page">
            <textarea
              rows={3}
              value={raw}
              onChange={(e) => setRaw(e.target.value)}
              required
              spellCheck={false}
              autoComplete="off"
              data-testid="token-raw"
            />
          </Field>
          <button type="submit" data-testid="token-raw-search">
            Fingerprint and find
          </button>
        </div>
      </form>
    </div>
  );
}

function RequestIdSearch() {
  const [requestId, setRequestId] = useState('');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        navigate(href.request(requestId.trim()));
      }}
      aria-label="open a request"
    >
      <div className="fields">
        <Field label="Request id">
          <input
            value={requestId}
            onChange={(e) => setRequestId(e.target.value)}
            required
            data-testid="request-id-input"
          />
        </Field>
        <button type="submit" data-testid="request-open">
          Open
        </button>
      </div>
    </form>
  );
}

export function SearchView({ session, params }: { session: Session; params: URLSearchParams }) {
  const mode: Mode = MODES.find(([m]) => m === params.get('mode'))?.[0] ?? 'request';
  return (
    <>
      <header className="view-head">
        <h1>Search</h1>
      </header>
      <div className="tabs" role="group" aria-label="search by">
        {MODES.map(([m, label]) => (
          <a
            key={m}
            href={href.search(m)}
            aria-current={m === mode ? 'page' : undefined}
            data-testid={`mode-${m}`}
          >
            {label}
          </a>
        ))}
      </div>
      <section className="card">
        {mode === 'request' && <RequestIdSearch />}
        {mode === 'principal' && <PrincipalSearch session={session} />}
        {mode === 'requests' && <RequestSearch session={session} />}
        {mode === 'token' && <TokenSearch />}
      </section>
    </>
  );
}
