const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'es6' },
  },
];

/** @type {import('jest').Config} */
export default {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^#(platform|users|accounts|ledger|fx|payments|events|webhooks)$': '<rootDir>/libs/$1/src/index.ts',
    '^#migrations$': '<rootDir>/migrations/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  testMatch: ['<rootDir>/{apps,libs,test}/**/*.{spec,e2e-spec}.ts'],
  // The fault tests cut PostgreSQL and Redis off behind relays, with their own timings: `npm run test:faults` runs them.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  testTimeout: 60000,
};
