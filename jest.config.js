// One jest run over every package, so CI reads one summary.
export default {
  projects: ['<rootDir>/packages/{money,calendar,platform,events,testing,rates}/jest.config.js', '<rootDir>/apps/*/jest.config.js', '<rootDir>/e2e/jest.config.js', '<rootDir>/infra/jest.config.js'],
  testTimeout: 30000,
  // jest leaks every test file's ES module graph (vm modules are not collected: jestjs/jest#14605),
  // ~20 MB a file that starts services; run in one process, the whole suite outgrew V8's 4 GB heap.
  // With a limit jest runs the files in a worker (even one, on 2 cores) and starts a fresh one
  // whenever a file leaves it above the limit.
  workerIdleMemoryLimit: '1GB',
  globalSetup: '<rootDir>/infra/scripts/jest-global-setup.mjs',
};
