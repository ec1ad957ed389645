import type { StoredAnomaly } from '@app/persistence';
import { cursorKind, encodeCursor, isBigintId } from '../common/paging/cursor.codec';
import { toAnomalyDetails } from './anomaly-details.mapper';
import type { Anomaly } from './models/anomaly.model';

/** A position in the live anomaly feed. */
export const FEED_CURSOR = cursorKind('feed', isBigintId);

export const toAnomaly = (anomaly: StoredAnomaly): Anomaly => ({
  id: anomaly.id,
  feedCursor: anomaly.feedSeq === null ? null : encodeCursor(FEED_CURSOR, anomaly.feedSeq),
  rule: anomaly.rule,
  severity: anomaly.severity,
  requestId: anomaly.requestId,
  detectedAt: anomaly.detectedAt,
  summary: anomaly.summary,
  verdict: anomaly.verdict,
  verdictReason: anomaly.verdictReason,
  triage: anomaly.triage,
  version: anomaly.version,
  changedAt: anomaly.changedAt,
  suppressedBy: anomaly.suppressedBy,
  details: toAnomalyDetails(anomaly.details),
});
