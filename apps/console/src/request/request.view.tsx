// One request: who acted on whose behalf. The chain drawn, the hops, the tokens, the gaps and
// the anomalies, all from one `provenance` answer, and the export of what is shown.
import { useMemo, useState } from 'react';
import { getText, graphql } from '../api/graphql-client';
import { PROVENANCE } from '../api/queries';
import type { Provenance } from '../api/types';
import type { Session } from '../auth/session';
import { href } from '../routing/hash-router';
import { Failure, Loading, useLoad } from '../ui/async';
import { download, safeName } from '../ui/download';
import { KindBadge } from '../ui/principal-kind';
import { SeverityBadge } from '../ui/severity';
import { formatTime } from '../ui/time';
import { ChainGraph } from './chain-graph';
import { chainModel } from './chain-model';
import { HopTree } from './hop-tree';
import { TokenLineage } from './token-lineage';

function ExportBar({ session, answer }: { session: Session; answer: Provenance }) {
  const [error, setError] = useState<string>();
  const exportProv = async () => {
    setError(undefined);
    try {
      const prov = await getText(
        session.token,
        `/v1/export/provenance/${encodeURIComponent(answer.requestId)}?format=prov-json`,
      );
      download(`${safeName(answer.requestId)}.prov.json`, prov);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="toolbar">
      <button type="button" onClick={() => void exportProv()} data-testid="export-prov">
        Export PROV-JSON
      </button>
      <button
        type="button"
        data-testid="export-json"
        onClick={() =>
          download(
            `${safeName(answer.requestId)}.provenance.json`,
            JSON.stringify({ provenance: answer }, null, 2),
          )
        }
      >
        Export answer (JSON)
      </button>
      {error && <Failure error={error} />}
    </div>
  );
}

function RequestDetails({ session, answer }: { session: Session; answer: Provenance }) {
  const model = useMemo(() => chainModel(answer), [answer]);
  const chain = [...answer.chain].sort((a, b) => a.position - b.position);
  return (
    <>
      <header className="view-head">
        <h1>
          Request <code data-testid="request-id">{answer.requestId}</code>
        </h1>
        <p>
          <span className={answer.complete ? 'badge ok' : 'badge warn'} data-testid="complete">
            {answer.complete ? 'complete chain' : 'incomplete chain'}
          </span>{' '}
          {answer.origin && (
            <>
              origin <KindBadge kind={answer.origin.kind} />{' '}
              <a href={href.principal(answer.origin)}>{answer.origin.id}</a> ({answer.origin.tenant}
              )
            </>
          )}
        </p>
        <ExportBar session={session} answer={answer} />
      </header>

      <section aria-labelledby="chain-h">
        <h2 id="chain-h">Chain</h2>
        <ChainGraph nodes={model.nodes} edges={model.edges} />
        <ol className="chain-list" aria-label="chain, origin first" data-testid="chain-list">
          {chain.map((link) => (
            <li key={link.position} data-principal-id={link.principal.id}>
              <KindBadge kind={link.principal.kind} />{' '}
              <a href={href.principal(link.principal)}>{link.principal.id}</a>{' '}
              <span className="muted">
                {link.principal.issuer} · {link.principal.tenant}
              </span>
              {link.principal.reportedBy !== link.principal.tenant && (
                <span className="foreign-mark"> reported by {link.principal.reportedBy}</span>
              )}
            </li>
          ))}
        </ol>
      </section>

      <div className="columns">
        <section aria-labelledby="anomalies-h">
          <h2 id="anomalies-h">Anomalies ({answer.anomalies.length})</h2>
          {answer.anomalies.length ? (
            <ul className="anomalies">
              {answer.anomalies.map((a) => (
                <li key={a.id} data-testid="request-anomaly" data-rule={a.rule}>
                  <SeverityBadge severity={a.severity} /> <strong>{a.rule}</strong>
                  {a.verdict === 'WITHDRAWN' && <span className="muted"> (withdrawn)</span>}
                  <div>{a.summary}</div>
                  <div className="hop-meta">
                    detected {formatTime(a.detectedAt)}
                    {a.details?.reporter && (
                      <span className="foreign-mark"> · reported by {a.details.reporter}</span>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          ) : (
            <p>None.</p>
          )}
          <h2 id="gaps-h">Gaps ({answer.gaps.length})</h2>
          {answer.gaps.length ? (
            <ul className="gaps" aria-labelledby="gaps-h">
              {answer.gaps.map((g, i) => (
                <li key={i} data-testid="gap" className="gap-mark">
                  <strong>{g.kind}</strong> {g.reason}
                  {g.hopId && <> (hop {g.hopId})</>}
                  {g.tokenKey && <> (token {g.tokenKey})</>}
                </li>
              ))}
            </ul>
          ) : (
            <p>None: every hop links back to the origin.</p>
          )}
        </section>
        <section aria-labelledby="tokens-h">
          <h2 id="tokens-h">Token lineage</h2>
          <TokenLineage tokens={answer.tokens} />
        </section>
      </div>

      <section aria-labelledby="hops-h">
        <h2 id="hops-h">Hops</h2>
        <HopTree hops={answer.hops} viewerTenants={session.claims.tenants} />
      </section>
    </>
  );
}

export function RequestView({ session, requestId }: { session: Session; requestId: string }) {
  const loaded = useLoad(
    () => graphql<{ provenance: Provenance | null }>(session.token, PROVENANCE, { requestId }),
    [session.token, requestId],
  );
  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'failed') return <Failure error={loaded.error} />;
  if (!loaded.value.provenance)
    return (
      <p role="status" data-testid="not-found">
        No request <code>{requestId}</code> that your tenants may see.
      </p>
    );
  return <RequestDetails session={session} answer={loaded.value.provenance} />;
}
