// The local Kafka broker: start and stop it, fetch its jars.
export { startKafka, type KafkaBroker, type StartKafkaOptions } from './broker';
export type { SaslUser } from './config';
export { ensureKafkaJars, KAFKA_VERSION, type KafkaLog } from './jars';
export { DEFAULT_RUN_DIR, formattedRun, stopKafka } from './run-dir';
