// The public contract of Provenant's Kafka input: CloudEvents envelope, the four delegation
// event types and the shapes they share, as zod schemas gateway teams can import directly.
export * from './limits';
export * from './shared.schema';
export * from './envelope.schema';
export * from './events/token-exchanged.schema';
export * from './events/action-performed.schema';
export * from './events/token-revoked.schema';
export * from './events/principal-changed.schema';
export * from './topics';
export * from './anomaly-message.schema';
export * from './unstorable-text';
export * from './lifecycle-authorities';
