// Tests run as native ES modules (the server is ESM, as is Prisma's generated client);
// SWC strips the types. `npm test` passes --experimental-vm-modules to Node.
/** @type {import('jest').Config} */
const config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true } }, module: { type: 'es6' } }],
  },
  testMatch: ['<rootDir>/server/**/*.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/e2e/**/*.test.ts'],
  testTimeout: 60_000,
};

export default config;
