export {
  isPlaceholderApp,
  planApps,
  type AppPlan,
  type Backends,
  type PlanOptions,
} from './apps.js';
export {
  makeLocalEndpointSlice,
  SANDBOX_MANAGER,
  sliceName,
  type Registration,
} from './endpoint-slice.js';
export { SandboxError, SandboxErrorCode } from './errors.js';
export { exampleServices, hasSequenceResult, loadManifests, SEQUENCE_RESULT } from './example.js';
export { helmInstallArgs } from './helm.js';
export { LocalProcess, logTail, type LocalProcessSpec } from './local-process.js';
export { parseLogLine, parseLogText, type LogSignal } from './log-line.js';
export { Registrations } from './registrations.js';
export { renderSandboxFile, writeSandboxFile, type SandboxFile } from './sandbox-file.js';
export { exampleNamespace, Sandbox, type SandboxOptions } from './sandbox.js';
