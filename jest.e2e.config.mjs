import base from './jest.config.mjs';

/** `npm run test:e2e`: every test against the real PostgreSQL and Redis: test/*.e2e-spec.ts and the *.int.spec.ts beside the code. */
export default {
  ...base,
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/{apps,libs}/**/*.int.spec.ts'],
};
