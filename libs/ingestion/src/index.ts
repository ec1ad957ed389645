// Ingestion domain: from untrusted Kafka bytes to validated, scrubbed delegation events
// and the graph rows they add. No Kafka client here: the ingestor app owns the transport.
export * from './credential-scrubber';
export * from './json-guard';
export * from './decode-error';
export * from './event-decoder';
export * from './event-graph.mapper';
export * from './ingest-batch.service';
export * from './dead-letter';
export * from './request-judging';
export * from './untracked-hop-sweep.service';
