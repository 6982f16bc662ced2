import base from './jest.config.mjs';

/**
 * `npm run test:unit`: the *.spec.ts beside the code and the static checks, no PostgreSQL or Redis.
 * A *.int.spec.ts beside the code needs them and runs with the end-to-end tests.
 */
export default {
  ...base,
  globalSetup: undefined,
  globalTeardown: undefined,
  testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'],
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, '\\.int\\.spec\\.ts$'],
};
