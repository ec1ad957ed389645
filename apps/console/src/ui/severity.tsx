import type { Severity } from '../api/types';
import { SEVERITIES } from '../api/types';

export const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);

export function highest(severities: Severity[]): Severity | undefined {
  return severities.reduce<Severity | undefined>(
    (top, s) => (top === undefined || severityRank(s) > severityRank(top) ? s : top),
    undefined,
  );
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span className={`severity severity-${severity.toLowerCase()}`} data-severity={severity}>
      {severity}
    </span>
  );
}
