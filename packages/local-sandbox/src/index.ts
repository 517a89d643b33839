export { isPlaceholderApp, keysToEnable, valuesKey } from './chart-values.js';
export { serviceUrl, type ServiceLike } from './cluster-urls.js';
export { SandboxError, SandboxErrorCode } from './errors.js';
export { hasSequenceResult, loadManifests, SEQUENCE_RESULT } from './example.js';
export { helmInstallArgs, type Backends } from './helm.js';
export { parseImages, readImages, type BuiltImages } from './images.js';
export { renderSandboxFile, writeSandboxFile, type SandboxFile } from './sandbox-file.js';
export { exampleNamespace, RELEASE, Sandbox, type SandboxOptions } from './sandbox.js';
