export { isPlaceholderApp, keysToEnable, valuesKey } from './chart-values.js';
export {
  chartEnvironment,
  parseRendered,
  type ChartEnvironment,
  type ChartEnvironmentOptions,
  type RenderedConfig,
} from './chart-environment.js';
export { helmPath, renderChart, toolPath, type ChartTemplate } from './chart-template.js';
export { run, type CommandResult } from './command.js';
export { serviceUrl, type ServiceLike } from './cluster-urls.js';
export { SandboxError, SandboxErrorCode } from './errors.js';
export { hasSequenceResult, loadManifests, SEQUENCE_RESULT } from './example.js';
export {
  chartValueArgs,
  helmInstallArgs,
  helmTemplateArgs,
  type Backends,
  type ChartValues,
} from './helm.js';
export { parseImages, readImages, type BuiltImages } from './images.js';
export { renderSandboxFile, writeSandboxFile, type SandboxFile } from './sandbox-file.js';
export { exampleNamespace, RELEASE, Sandbox, type SandboxOptions } from './sandbox.js';
