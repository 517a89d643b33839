import { jestConfig } from '../../jest.base.mjs';

// The 60 s test timeout for these suites is set in the root jest.config.mjs: Jest reads
// testTimeout from the global config only when several projects run together.
export default jestConfig(import.meta.url);
