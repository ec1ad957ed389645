// The request's tokens as their exchanges derived them, each with its scopes compared with
// its parent's (widening highlighted), its remaining validity, and a way to its blast radius.
import type { TokenDerivation } from '../api/types';
import { href } from '../routing/hash-router';
import { formatTime, remainingValidity } from '../ui/time';
import { scopeDiff } from './scope-diff';

export function TokenLineage({ tokens }: { tokens: TokenDerivation[] }) {
  if (!tokens.length) return <p>No token observed.</p>;
  const byKey = new Map(tokens.map((d) => [d.token.key, d]));
  const depth = (d: TokenDerivation, seen = new Set<string>()): number => {
    const parent = d.token.parentKey ? byKey.get(d.token.parentKey) : undefined;
    if (!parent || seen.has(d.token.key)) return 0;
    seen.add(d.token.key);
    return 1 + depth(parent, seen);
  };
  const ordered = [...tokens].sort((a, b) => depth(a) - depth(b));
  return (
    <ol className="token-lineage">
      {ordered.map((d) => {
        const parentScopes =
          d.parent?.scopes ??
          (d.token.parentKey ? byKey.get(d.token.parentKey)?.token.scopes : undefined);
        const diff = scopeDiff(parentScopes, d.token.scopes);
        const foreign = d.token.reportedBy !== d.token.tenant;
        return (
          <li
            key={`${d.token.reportedBy}|${d.token.key}`}
            data-testid="lineage-token"
            data-token-key={d.token.key}
            data-widened={diff.added.length > 0 ? 'true' : 'false'}
            className={diff.added.length ? 'widened' : undefined}
            style={{ marginLeft: `${depth(d) * 1.5}rem` }}
          >
            <a href={href.token({ key: d.token.key })}>{d.token.key}</a>
            {d.actor && <> → held by {d.actor.id}</>}
            {d.subject && <> for {d.subject.id}</>}
            <div className="scopes">
              {diff.kept.map((s) => (
                <span key={s} className="scope">
                  {s}
                </span>
              ))}
              {diff.added.map((s) => (
                <span
                  key={s}
                  className="scope scope-added"
                  title="not in the parent token: widened"
                >
                  +{s} (widened)
                </span>
              ))}
              {diff.dropped.map((s) => (
                <span
                  key={s}
                  className="scope scope-dropped"
                  title="dropped from the parent: narrowed"
                >
                  −{s}
                </span>
              ))}
            </div>
            <div className="hop-meta">
              {d.exchangedAt && <>exchanged {formatTime(d.exchangedAt)} · </>}
              audience {d.token.audience.join(', ') || '—'} · {remainingValidity(d.token.expiresAt)}
              {d.token.revokedAt && (
                <strong className="revoked"> · revoked {formatTime(d.token.revokedAt)}</strong>
              )}
              {foreign && <span className="foreign-mark"> · reported by {d.token.reportedBy}</span>}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
