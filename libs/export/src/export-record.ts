import type { AnomalyData, DelegationEvent } from '@app/contract';

/**
 * A stored event as the exports read it: the CloudEvent as the ledger holds it (validated,
 * raw credentials already replaced by their fingerprints), with the store's stable id and
 * when it was received. Every format is a function of this record alone.
 */
export type ExportedEvent = DelegationEvent & {
  /** The store's id of the event (a decimal integer): stable, unique, the export's order. */
  uid: string;
  /** When Provenant stored it (ISO 8601). */
  receivedAt: string;
};

/** A stored anomaly as the exports read it: the data of its `provenant.anomaly.detected` CloudEvent. */
export type ExportedAnomaly = AnomalyData;
