// Ingestion domain: from untrusted Kafka bytes to validated, scrubbed delegation events,
// and the batch rules (dead-letter or store) the ingestor applies. No Kafka client here.
export * from './credential-scrubber';
export * from './json-guard';
export * from './decode-error';
export * from './event-decoder';
