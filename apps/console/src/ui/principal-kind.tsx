// A principal's kind at a glance, never by colour alone: each kind has its own shape (on
// the badge, the icon and the graph's node), an icon drawn here (no font needed), and its
// name written out.
import type { ReactElement } from 'react';
import type { PrincipalKind } from '../api/types';

export const KIND_LABEL: Record<PrincipalKind, string> = {
  HUMAN: 'human',
  AGENT: 'agent',
  TOOL: 'tool',
  SERVICE: 'service',
  WORKLOAD: 'workload',
};

/** Circle (a person), diamond (an agent), triangle (a tool), square (a service), hexagon (a workload). */
const KIND_SHAPE: Record<PrincipalKind | 'TARGET', ReactElement> = {
  HUMAN: <circle cx="6" cy="6" r="5" />,
  AGENT: <polygon points="6,0.5 11.5,6 6,11.5 0.5,6" />,
  TOOL: <polygon points="6,0.8 11.5,11 0.5,11" />,
  SERVICE: <rect x="1" y="1" width="10" height="10" />,
  WORKLOAD: <polygon points="3,1 9,1 11.5,6 9,11 3,11 0.5,6" />,
  TARGET: (
    <>
      <circle cx="6" cy="6" r="5" fill="none" strokeWidth="1.5" stroke="currentColor" />
      <circle cx="6" cy="6" r="2" />
    </>
  ),
};

export function KindIcon({ kind }: { kind: PrincipalKind | 'TARGET' }) {
  return (
    <svg
      className="kind-icon"
      width="12"
      height="12"
      viewBox="0 0 12 12"
      aria-hidden="true"
      fill="currentColor"
    >
      {KIND_SHAPE[kind]}
    </svg>
  );
}

export function KindBadge({ kind }: { kind: PrincipalKind }) {
  return (
    <span className={`kind kind-${kind.toLowerCase()}`} data-kind={kind}>
      <KindIcon kind={kind} /> {KIND_LABEL[kind]}
    </span>
  );
}
