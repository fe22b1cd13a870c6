// Shared jest settings for every workspace package (ESM + @swc/jest, sources of sibling
// packages resolved through the "@finance/source" export condition, so tests need no build).
import { basename } from 'node:path';

/** @param {string} dir the package directory (import.meta.dirname of its jest.config.js) */
export function preset(dir, overrides = {}) {
  return {
    displayName: basename(dir),
    rootDir: dir,
    testEnvironment: 'node',
    testEnvironmentOptions: { customExportConditions: ['@finance/source', 'node', 'node-addons'] },
    extensionsToTreatAsEsm: ['.ts'],
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
          module: { type: 'es6' },
          sourceMaps: 'inline',
        },
      ],
    },
    ...overrides,
  };
}
