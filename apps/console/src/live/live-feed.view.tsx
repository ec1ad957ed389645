// The live anomaly feed: a graphql-ws subscription authenticated in its connection
// parameters, filtered by minimum severity on the server; each anomaly opens its request.
import { createClient } from 'graphql-ws';
import { useEffect, useState } from 'react';
import { ANOMALY_FEED } from '../api/queries';
import { SEVERITIES, type Anomaly, type Severity } from '../api/types';
import type { Session } from '../auth/session';
import { href } from '../routing/hash-router';
import { SeverityBadge } from '../ui/severity';
import { formatTime } from '../ui/time';

type Status = 'connecting' | 'live' | 'closed';
const MAX_SHOWN = 200;

export function LiveFeedView({ session }: { session: Session }) {
  const [minSeverity, setMinSeverity] = useState<Severity>('LOW');
  const [anomalies, setAnomalies] = useState<Anomaly[]>([]);
  const [status, setStatus] = useState<Status>('connecting');
  const [error, setError] = useState<string>();

  useEffect(() => {
    const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/graphql`;
    const client = createClient({
      url,
      connectionParams: { authorization: `Bearer ${session.token}` },
      lazy: false,
      retryAttempts: 3,
      on: {
        connected: () => setStatus('live'),
        closed: () => setStatus('closed'),
      },
    });
    setStatus('connecting');
    setError(undefined);
    const stop = client.subscribe<{ anomalyDetected: Anomaly }>(
      { query: ANOMALY_FEED, variables: { minSeverity } },
      {
        next: ({ data, errors }) => {
          if (errors?.length) setError(errors[0].message);
          const anomaly = data?.anomalyDetected;
          if (anomaly)
            setAnomalies((list) =>
              [anomaly, ...list.filter((a) => a.id !== anomaly.id)].slice(0, MAX_SHOWN),
            );
        },
        error: (e: unknown) => setError(e instanceof Error ? e.message : 'the feed closed'),
        complete: () => undefined,
      },
    );
    return () => {
      stop();
      void client.dispose();
    };
  }, [session.token, minSeverity]);

  return (
    <>
      <header className="view-head">
        <h1>Live anomalies</h1>
        <p>
          <span className={`badge ${status === 'live' ? 'ok' : 'warn'}`} data-testid="feed-status">
            {status}
          </span>{' '}
          <label>
            at least{' '}
            <select
              value={minSeverity}
              onChange={(e) => {
                setAnomalies([]);
                setMinSeverity(e.target.value as Severity);
              }}
              data-testid="feed-min-severity"
            >
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        </p>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </header>
      {anomalies.length === 0 ? (
        <p className="muted">Waiting for anomalies of your tenants as they are detected…</p>
      ) : (
        <ul className="feed" aria-live="polite">
          {anomalies.map((a) => (
            <li
              key={a.id}
              data-testid="feed-anomaly"
              data-rule={a.rule}
              data-request-id={a.requestId ?? ''}
            >
              <SeverityBadge severity={a.severity} /> <strong>{a.rule}</strong>{' '}
              {formatTime(a.detectedAt)}
              {a.verdict === 'WITHDRAWN' && <span className="muted"> (withdrawn)</span>}
              <div>
                {a.requestId ? <a href={href.request(a.requestId)}>{a.summary}</a> : a.summary}
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
