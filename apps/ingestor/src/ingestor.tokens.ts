export const INGESTOR_KAFKA = Symbol('INGESTOR_KAFKA');
export const INGESTOR_LOGGER = Symbol('INGESTOR_LOGGER');
