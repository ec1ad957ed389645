/** How urgent an anomaly is, least first: the order is the rank. */
export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);

/** `min` and every severity above it. */
export const severitiesFrom = (min: Severity): Severity[] => SEVERITIES.slice(severityRank(min));
