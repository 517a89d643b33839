export {
  createKubeClient,
  loadKubeConfig,
  type KubeConfig,
  type LoadKubeConfigOptions,
} from './config.js';
export {
  apiError,
  isAlreadyExists,
  isConflict,
  isGone,
  isInvalid,
  isNotFound,
  KubeError,
  KubeErrorCode,
  type KubeErrorContext,
} from './errors.js';
export { buildEvent, eventTimestamp } from './events.js';
export { EventStream } from './event-stream.js';
export { HttpKubeClient, parseWatchLine, type HttpKubeClientOptions } from './http-kube-client.js';
export { matchesLabels, parseLabelSelector } from './label-selector.js';
export { applyJsonPatch, JsonPatchError, type JsonPatchOperation } from './json-patch.js';
export { applyMergePatch, jsonEqual } from './merge-patch.js';
export {
  discoveryPath,
  RestMapper,
  type ApiResource,
  type FetchResources,
  type ResourceMapping,
} from './rest-mapper.js';
export {
  KubeConfigTransport,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  type StreamResponse,
} from './transport.js';
export {
  parseApiVersion,
  refOf,
  type DeleteOptions,
  type EventInput,
  type KubeClient,
  type KubeObject,
  type Lease,
  type ListOptions,
  type ListResult,
  type ObjectMeta,
  type ObjectRef,
  type OwnerReference,
  type PropagationPolicy,
  type ResourceRef,
  type WatchEvent,
  type WatchOptions,
} from './types.js';
