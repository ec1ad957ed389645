/** Kafka topic names of the contract; each can be overridden by configuration. */
export const DEFAULT_TOPIC = 'delegation-events';
export const DEFAULT_ANOMALY_TOPIC = 'delegation-anomalies';
export const DEFAULT_CHECKPOINT_TOPIC = 'ledger-checkpoints';
export const dlqTopicOf = (topic: string): string => `${topic}.dlq`;

/** Headers set on a message sent to the dead-letter topic. */
export const DLQ_HEADERS = {
  error: 'x-provenant-error',
  topic: 'x-provenant-topic',
  partition: 'x-provenant-partition',
  offset: 'x-provenant-offset',
  /** The refusal's code alone (`INVALID_JSON`...), for routing without parsing the reason. */
  code: 'x-provenant-error-code',
  /** `true` when raw credentials in the value or headers were replaced by fingerprints. */
  redacted: 'x-provenant-redacted',
} as const;
