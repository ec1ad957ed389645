// Three tiers: `unit` specs beside the code (pure logic, no I/O); `persistence` specs in
// test/persistence/ that call the repositories against a real PostgreSQL database created
// for this run alone (no broker); and `e2e` specs in test/ that run against a real Kafka
// broker and a real PostgreSQL database which the global set-up starts and creates for this
// run alone; `browser` specs in test/browser/ drive the console in Chromium against the same.
const swc = [
  '@swc/jest',
  JSON.parse(require('node:fs').readFileSync(`${__dirname}/.swcrc`, 'utf8')),
];
const shared = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // jose, NestJS 12 and secretlint's rules ship ESM only; jest (unlike Node 20.19+) cannot require ESM, so they
  // are compiled like our own code.
  transformIgnorePatterns: ['/node_modules/(?!(jose|@nestjs|@secretlint)/)'],
  moduleNameMapper: {
    '^@app/provenance/testing$': '<rootDir>/libs/provenance/src/testing/request-graph.builder',
    '^@app/([a-z-]+)$': '<rootDir>/libs/$1/src',
    // The generated Prisma client imports its own files with .js extensions.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'persistence',
      testMatch: ['<rootDir>/test/persistence/**/*.persistence-spec.ts'],
      globalSetup: '<rootDir>/test/persistence/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/persistence/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/persistence/support/timeout.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-timeout.ts'],
    },
    // The console in Debian's Chromium (playwright-core) against the same broker and database
    // as the e2e tier: the same global set-up file, which jest runs once for both.
    {
      ...shared,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-timeout.ts'],
    },
    // The fault suite provisions its own broker (it restarts it) and databases.
    {
      ...shared,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'],
    },
  ],
};
