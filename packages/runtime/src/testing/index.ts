export {
  startAppProcess,
  type AppProcess,
  type StartAppProcessOptions,
} from './start-app-process.js';
export { readinessOf } from './readiness.js';
