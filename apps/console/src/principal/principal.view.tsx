// A principal and what it did, or what was done on its behalf, over time: a bar per day
// and the actions themselves, page by page.
import { useState } from 'react';
import { graphql } from '../api/graphql-client';
import { PRINCIPAL_ACTIONS } from '../api/queries';
import type { Connection, Hop, Principal } from '../api/types';
import type { Session } from '../auth/session';
import { href } from '../routing/hash-router';
import { Failure, Loading, useLoad } from '../ui/async';
import { KindBadge } from '../ui/principal-kind';
import { formatTime } from '../ui/time';

type Action = Omit<Hop, 'token' | 'tool' | 'reason'> & { token?: { key: string } | null };
interface Answer {
  principal: (Principal & { actions: Connection<Action> }) | null;
}

function PerDay({ actions }: { actions: Action[] }) {
  const days = new Map<string, number>();
  for (const a of actions)
    days.set(a.occurredAt.slice(0, 10), (days.get(a.occurredAt.slice(0, 10)) ?? 0) + 1);
  const max = Math.max(1, ...days.values());
  return (
    <table className="per-day" aria-label="actions per day">
      <tbody>
        {[...days].map(([day, count]) => (
          <tr key={day}>
            <th scope="row">{day}</th>
            <td>
              <meter min={0} max={max} value={count} aria-label={`${count} actions`} /> {count}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PrincipalView(props: {
  session: Session;
  tenant: string;
  issuer: string;
  id: string;
}) {
  const { session, tenant, issuer, id } = props;
  const [after, setAfter] = useState<string | undefined>();
  const [pages, setPages] = useState<string[]>([]);
  const loaded = useLoad(
    () =>
      graphql<Answer>(session.token, PRINCIPAL_ACTIONS, { tenant, issuer, id, first: 100, after }),
    [session.token, tenant, issuer, id, after],
  );
  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'failed') return <Failure error={loaded.error} />;
  const principal = loaded.value.principal;
  if (!principal)
    return (
      <p role="status" data-testid="not-found">
        No principal <code>{id}</code> of {issuer} in {tenant} that your tenants may see.
      </p>
    );
  const actions = principal.actions.edges.map((e) => e.node);
  return (
    <>
      <header className="view-head">
        <h1>
          <KindBadge kind={principal.kind} /> <span data-testid="principal-id">{principal.id}</span>
        </h1>
        <p className="muted">
          {principal.displayName && <>{principal.displayName} · </>}issuer {principal.issuer} ·
          tenant {principal.tenant}
          {principal.reportedBy !== principal.tenant && (
            <span className="foreign-mark"> · as reported by {principal.reportedBy}</span>
          )}
        </p>
      </header>
      <section aria-labelledby="over-time-h">
        <h2 id="over-time-h">Actions over time</h2>
        {actions.length ? <PerDay actions={actions} /> : <p>No action on this page.</p>}
      </section>
      <section aria-labelledby="actions-h">
        <h2 id="actions-h">Actions, oldest first</h2>
        <table className="results" data-testid="principal-actions">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">On behalf of</th>
              <th scope="col">Target</th>
              <th scope="col">Decision</th>
              <th scope="col">Request</th>
            </tr>
          </thead>
          <tbody>
            {actions.map((a) => (
              <tr key={`${a.reportedBy}|${a.requestId}|${a.hopId}`} data-testid="principal-action">
                <td>{formatTime(a.occurredAt)}</td>
                <td>
                  <a href={href.principal(a.actor)}>{a.actor.id}</a>
                </td>
                <td>
                  {a.onBehalfOf ? (
                    <a href={href.principal(a.onBehalfOf)}>{a.onBehalfOf.id}</a>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  {a.target.service} {a.target.action ?? ''} {a.target.resource ?? ''}
                </td>
                <td className={`decision decision-${a.decision.toLowerCase()}`}>{a.decision}</td>
                <td>
                  <a href={href.request(a.requestId)}>{a.requestId}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="toolbar">
          {pages.length > 0 && (
            <button
              type="button"
              onClick={() => {
                setAfter(pages.at(-2));
                setPages(pages.slice(0, -1));
              }}
            >
              Previous page
            </button>
          )}
          {principal.actions.pageInfo.hasNextPage && (
            <button
              type="button"
              onClick={() => {
                const next = principal.actions.pageInfo.endCursor ?? undefined;
                setPages([...pages, next ?? '']);
                setAfter(next);
              }}
            >
              Next page
            </button>
          )}
        </div>
      </section>
    </>
  );
}
