/**
 * The rules' verdict on an anomaly: `OPEN` while the stored facts show it, `WITHDRAWN` once
 * later facts cleared it. A withdrawn anomaly is kept, with the reason, and opens again if
 * the facts show it again: the open set depends on the facts alone, not on their order.
 */
export const ANOMALY_VERDICTS = ['OPEN', 'WITHDRAWN'] as const;
export type AnomalyVerdict = (typeof ANOMALY_VERDICTS)[number];

/** Where an analyst has taken an anomaly; independent of the verdict. */
export const ANOMALY_TRIAGE_STATES = ['NEW', 'ACKNOWLEDGED', 'RESOLVED', 'FALSE_POSITIVE'] as const;
export type AnomalyTriage = (typeof ANOMALY_TRIAGE_STATES)[number];

/** The triage states an analyst may move an anomaly to (NEW is where every anomaly starts). */
export const TRIAGE_DECISIONS = ['ACKNOWLEDGED', 'RESOLVED', 'FALSE_POSITIVE'] as const;
export type TriageDecision = (typeof TRIAGE_DECISIONS)[number];

/**
 * What an entry of an anomaly's history records: its detection, a verdict the rules reached
 * on later facts, an analyst's triage, or a suppression applied to it after detection.
 */
export const ANOMALY_CHANGES = [
  'DETECTED',
  'WITHDRAWN',
  'REOPENED',
  'ACKNOWLEDGED',
  'RESOLVED',
  'FALSE_POSITIVE',
  'SUPPRESSED',
] as const;
export type AnomalyChangeKind = (typeof ANOMALY_CHANGES)[number];
