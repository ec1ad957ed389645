import { ANOMALY_COLUMNS } from './anomaly-record';

/** ANOMALY_COLUMNS qualified by a table alias (for RETURNING from an UPDATE ... FROM). */
export const anomalyColumns = (alias: string): string =>
  ANOMALY_COLUMNS.split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');

/**
 * The one way a change of an anomaly becomes visible, shared by the rules' verdicts, an
 * analyst's triage and a suppression: given a CTE `changed` holding the changed anomalies
 * (ANOMALY_COLUMNS, as the UPDATE or INSERT that changed them returned them, `feed_seq`
 * cleared) and the change's `change`, `actor`, `actor_tenants`, `reason` and
 * `suppression_id`, this queues
 * each in the outbox (the relay publishes it and gives it the next feed position: the live
 * feed and the anomaly export see it again) and appends it to the anomaly's history, all in
 * the statement that made the change.
 */
export const PUBLISH_CHANGED = `queued AS (
    INSERT INTO anomaly_outbox (anomaly_id) SELECT id::bigint FROM changed ORDER BY 1
    ON CONFLICT (anomaly_id) DO NOTHING
  ), history AS (
    INSERT INTO anomaly_changes (anomaly_id, version, change, actor, actor_tenants, reason, suppression_id)
    SELECT id::bigint, version, change, actor, actor_tenants, reason, suppression_id FROM changed
  )
  SELECT * FROM changed`;
