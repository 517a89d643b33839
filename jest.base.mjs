import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Jest config for one workspace package, in ESM mode (the repo is ESM-only).
 * @param {string} configUrl `import.meta.url` of the package's jest.config.mjs
 */
export function jestConfig(configUrl) {
  const dir = fileURLToPath(new URL('.', configUrl));
  const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return {
    displayName: name,
    rootDir: dir,
    preset: 'ts-jest/presets/default-esm',
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    // Sources import siblings as `./x.js` (NodeNext); jest must find `./x.ts`.
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    transform: {
      '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.test.json' }],
    },
    testMatch: ['**/src/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  };
}
