import base from './jest.config.mjs';

/** `npm run test:faults`: only test/faults, where PostgreSQL and Redis are cut off behind TCP relays. */
export default {
  ...base,
  testMatch: ['<rootDir>/test/faults/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120_000,
};
