// Kafka at the edge: client construction, header decoding and topic provisioning.
export * from './kafka-client';
