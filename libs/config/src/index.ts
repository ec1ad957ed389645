// Configuration: every environment variable Provenant reads, validated with zod at start.
export * from './env.schema';
export * from './kafka-security.schema';
export * from './load-config';
export * from './config.tokens';
