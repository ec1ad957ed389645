export const INGESTOR_KAFKA = Symbol('INGESTOR_KAFKA');
export const INGESTOR_LOGGER = Symbol('INGESTOR_LOGGER');
/** The anomaly policy the configuration sets, shared by the consumer and the sweeper. */
export const ANOMALY_POLICY = Symbol('ANOMALY_POLICY');
