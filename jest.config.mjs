import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// Directories that may hold a jest project; only those with a jest.config.mjs count, so a
// workspace that has no tests yet (or is still being written) does not break the run.
const candidates = [
  ...['packages', 'apps'].flatMap((parent) =>
    existsSync(join(root, parent))
      ? readdirSync(join(root, parent)).map((child) => join(parent, child))
      : [],
  ),
  // The test services are what users copy to write their own: their tests run too.
  'test/services',
  'test/integration',
];

export default {
  // Global only (project configs cannot set it): integration suites talk to real servers
  // on a 2-core machine, where a fresh API server or a consumer-group join can take
  // seconds; unit tests finish far below it.
  testTimeout: 60_000,
  testSequencer: '<rootDir>/jest.sequencer.mjs',
  projects: candidates
    .filter((dir) => existsSync(join(root, dir, 'jest.config.mjs')))
    .map((dir) => `<rootDir>/${dir}`),
};
