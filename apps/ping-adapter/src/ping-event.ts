/**
 * The event a PingSource emits on each tick (eventing `mtping/runner.go makeEvent`): type
 * `dev.knative.sources.ping`, source `/apis/v1/namespaces/<ns>/pingsources/<name>`, the
 * `ceOverrides` extensions, and the payload; each tick adds a fresh id and its time.
 */
import { SPEC_VERSION, type CloudEvent } from '@knative-ts/delivery';
import { pingSourceEventSource, PingSourceEventType, type PingSource } from '@knative-ts/types';
import { PingError, PingErrorCode } from './errors.js';

/** What every tick of one source shares; compiled once per source version. */
export interface PingTemplate {
  readonly attributes: Readonly<Record<string, string>>;
  readonly data?: Uint8Array;
}

/** The content type when the source names none (Knative defaults to JSON). */
export const DEFAULT_CONTENT_TYPE = 'application/json';

/** Attributes the ping sets itself; overrides cannot replace them. */
const OWN_ATTRIBUTES = new Set(['specversion', 'id', 'source', 'type', 'time', 'datacontenttype']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Compile the tick-independent part of `source`'s events; throws PingError on a bad payload. */
export function compileTemplate(source: PingSource): PingTemplate {
  const namespace = source.metadata.namespace ?? '';
  const name = source.metadata.name ?? '';
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(source.spec.ceOverrides?.extensions ?? {})) {
    if (!OWN_ATTRIBUTES.has(key.toLowerCase())) attributes[key.toLowerCase()] = value;
  }
  Object.assign(attributes, {
    specversion: SPEC_VERSION,
    type: PingSourceEventType,
    source: pingSourceEventSource(namespace, name),
  });
  const data = payload(source, namespace, name);
  if (data === undefined) return { attributes };
  attributes['datacontenttype'] = source.spec.contentType || DEFAULT_CONTENT_TYPE;
  return { attributes, data };
}

/** One tick's event: the template with a fresh `id` and `time` = the scheduled instant. */
export function tickEvent(template: PingTemplate, id: string, scheduledMs: number): CloudEvent {
  const attributes = {
    ...template.attributes,
    id,
    time: new Date(scheduledMs).toISOString(),
  };
  return template.data === undefined ? { attributes } : { attributes, data: template.data };
}

/** `dataBase64` decoded, else `data` as UTF-8, else no data. */
function payload(source: PingSource, namespace: string, name: string): Uint8Array | undefined {
  const { data, dataBase64 } = source.spec;
  if (dataBase64) {
    const compact = dataBase64.replace(/\s+/g, '');
    if (!BASE64.test(compact)) {
      throw new PingError(PingErrorCode.InvalidPayload, 'dataBase64 is not valid base64', {
        source: `${namespace}/${name}`,
      });
    }
    return new Uint8Array(Buffer.from(compact, 'base64'));
  }
  return data ? new TextEncoder().encode(data) : undefined;
}
