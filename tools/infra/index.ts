// The local infrastructure, one set of helpers for the tools and the tests: the Kafka
// broker, databases and migrations, the development key, Prisma's tooling, Provenant's
// own processes, free ports, waiting for conditions and seeded randomness.
export * from './checkout';
export * from './cli';
export * from './database';
export * from './dev-keys';
export * from './kafka';
export * from './paths';
export * from './ports';
export * from './prisma';
export * from './scenario-policy';
export * from './processes';
export * from './seeded-random';
export * from './services';
export * from './wait';
