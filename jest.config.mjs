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

/**
 * content-disposition 3 is ESM-only and @fastify/static (under the queue dashboard) require()s it:
 * Node 20 loads that natively, jest's module runtime does not, so jest gets it as CommonJS.
 */
const requiredEsm = ['content-disposition'];
const swcToCommonJs = ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }];

/** @type {import('jest').Config} */
export default {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc, [`/node_modules/(${requiredEsm.join('|')})/.+\\.js$`]: swcToCommonJs },
  transformIgnorePatterns: [`^(?!.*/node_modules/(${requiredEsm.join('|')})/).*/node_modules/`],
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
