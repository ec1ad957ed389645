// A principal's kind at a glance, never by colour alone: each kind has its own shape, a
// glyph and its name written out.
import type { PrincipalKind } from '../api/types';

export const KIND_LABEL: Record<PrincipalKind, string> = {
  HUMAN: 'human',
  AGENT: 'agent',
  TOOL: 'tool',
  SERVICE: 'service',
  WORKLOAD: 'workload',
};

const KIND_GLYPH: Record<PrincipalKind, string> = {
  HUMAN: '👤',
  AGENT: '🤖',
  TOOL: '🔧',
  SERVICE: '🗄',
  WORKLOAD: '⚙',
};

export function KindBadge({ kind }: { kind: PrincipalKind }) {
  return (
    <span className={`kind kind-${kind.toLowerCase()}`} data-kind={kind}>
      <span aria-hidden="true">{KIND_GLYPH[kind]}</span> {KIND_LABEL[kind]}
    </span>
  );
}
