// One jest run over every package, so CI reads one summary.
export default {
  projects: ['<rootDir>/packages/{money,calendar,platform,events,testing,rates}/jest.config.js', '<rootDir>/apps/*/jest.config.js', '<rootDir>/e2e/jest.config.js', '<rootDir>/infra/jest.config.js'],
  testTimeout: 30000,
  globalSetup: '<rootDir>/infra/scripts/jest-global-setup.mjs',
};
