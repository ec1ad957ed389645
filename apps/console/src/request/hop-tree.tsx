// The observed hops as a tree by parentHopId, oldest first: who acted for whom, through
// which tool, on what target, allowed or denied, with which token. A hop whose parent was
// not seen starts its own branch and says so.
import type { Hop } from '../api/types';
import { href } from '../routing/hash-router';
import { KindBadge } from '../ui/principal-kind';
import { formatTime } from '../ui/time';

function HopLine({ hop, viewerTenants }: { hop: Hop; viewerTenants: string[] }) {
  const foreign = !viewerTenants.includes(hop.reportedBy);
  return (
    <div className="hop" data-testid="hop" data-hop-id={hop.hopId} data-decision={hop.decision}>
      <span className={`decision decision-${hop.decision.toLowerCase()}`}>{hop.decision}</span>{' '}
      <KindBadge kind={hop.actor.kind} /> <a href={href.principal(hop.actor)}>{hop.actor.id}</a>
      {hop.onBehalfOf && (
        <>
          {' '}
          for <a href={href.principal(hop.onBehalfOf)}>{hop.onBehalfOf.id}</a>
        </>
      )}
      {hop.tool && (
        <>
          {' '}
          via tool <code>{hop.tool.name}</code>
        </>
      )}{' '}
      → <strong>{hop.target.service}</strong>
      {hop.target.action && <> {hop.target.action}</>}
      {hop.target.resource && (
        <>
          {' '}
          <code>{hop.target.resource}</code>
        </>
      )}
      {hop.target.tenant && <> (tenant {hop.target.tenant})</>}
      <div className="hop-meta">
        <span>hop {hop.hopId}</span> · <time>{formatTime(hop.occurredAt)}</time>
        {hop.token && (
          <>
            {' '}
            · token <a href={href.token({ key: hop.token.key })}>{hop.token.key}</a>
          </>
        )}
        {hop.reason && <> · {hop.reason}</>}
        {foreign && <span className="foreign-mark"> reported by {hop.reportedBy}</span>}
      </div>
    </div>
  );
}

export function HopTree({ hops, viewerTenants }: { hops: Hop[]; viewerTenants: string[] }) {
  const key = (hop: { reportedBy: string; hopId: string }) => `${hop.reportedBy}\u0000${hop.hopId}`;
  const known = new Set(hops.map(key));
  const children = new Map<string, Hop[]>();
  const roots: Hop[] = [];
  for (const hop of hops) {
    const parent = hop.parentHopId
      ? key({ reportedBy: hop.reportedBy, hopId: hop.parentHopId })
      : undefined;
    if (parent && known.has(parent)) children.set(parent, [...(children.get(parent) ?? []), hop]);
    else roots.push(hop);
  }
  const branch = (list: Hop[]) => (
    <ul>
      {list.map((hop) => (
        <li key={key(hop)}>
          {hop.parentHopId &&
            !known.has(key({ reportedBy: hop.reportedBy, hopId: hop.parentHopId })) && (
              <p className="gap-mark">parent hop {hop.parentHopId} not observed</p>
            )}
          <HopLine hop={hop} viewerTenants={viewerTenants} />
          {children.has(key(hop)) && branch(children.get(key(hop))!)}
        </li>
      ))}
    </ul>
  );
  return hops.length ? <div className="hop-tree">{branch(roots)}</div> : <p>No hop observed.</p>;
}
