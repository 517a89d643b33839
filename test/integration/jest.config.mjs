import { jestConfig } from '../../jest.base.mjs';

// Real servers on a 2-core machine: a fresh API server's first requests, a consumer
// group join or a garbage-collector pass can take seconds, so the default 5 s is short.
export default { ...jestConfig(import.meta.url), testTimeout: 60_000 };
