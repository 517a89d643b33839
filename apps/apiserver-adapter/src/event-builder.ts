/**
 * The CloudEvent of one change of a watched object (eventing
 * `pkg/adapter/apiserver/events/events.go`): type by mode and change, `source` = the API
 * server URL, `subject` = the object's path, extensions kind/name/namespace/apiversion,
 * JSON data (the object in Resource mode, an ObjectReference in Reference mode), then the
 * source's ceOverrides. Built with the CloudEvents SDK (fresh id and time) and handed to
 * the delivery engine as its own event model through the SDK's binary HTTP binding.
 */
import { parseHttpEvent, type CloudEvent as DeliveryEvent } from '@knative-ts/delivery';
import type { KubeObject } from '@knative-ts/kube';
import {
  apiServerEventSubject,
  apiServerSourceEventType,
  type ApiServerChange,
  type ApiServerSourceMode,
} from '@knative-ts/types';
import { CloudEvent, HTTP } from 'cloudevents';

export interface EventBuilderOptions {
  mode: ApiServerSourceMode;
  /** The API server URL. */
  source: string;
  /** ceOverrides extensions (lower-cased names). */
  extensions: Record<string, string>;
}

/** Attributes the adapter sets itself; overrides may add extensions, not replace these. */
const OWN = new Set([
  'id',
  'source',
  'specversion',
  'type',
  'datacontenttype',
  'dataschema',
  'subject',
  'time',
  'data',
  'data_base64',
]);

/** Builds the events of one source. */
export class EventBuilder {
  private readonly extensions: Record<string, string>;

  constructor(private readonly options: EventBuilderOptions) {
    this.extensions = Object.fromEntries(
      Object.entries(options.extensions)
        .map(([k, v]) => [k.toLowerCase(), v] as const)
        .filter(([k]) => !OWN.has(k)),
    );
  }

  /** The event reporting `change` of `obj`. */
  build(change: ApiServerChange, obj: KubeObject): DeliveryEvent {
    const { apiVersion, kind } = obj;
    const { name = '', namespace = '' } = obj.metadata;
    const data = this.options.mode === 'Resource' ? obj : { apiVersion, kind, name, namespace };
    const ce = new CloudEvent({
      type: apiServerSourceEventType(this.options.mode, change),
      source: this.options.source,
      subject: apiServerEventSubject({ apiVersion, kind, namespace, name }),
      datacontenttype: 'application/json',
      data,
      kind,
      name,
      namespace,
      apiversion: apiVersion,
      ...this.extensions,
    });
    const message = HTTP.binary(ce);
    return parseHttpEvent({
      headers: message.headers as Record<string, string>,
      body: new TextEncoder().encode(String(message.body)),
    });
  }
}

/** The extensions of `K_CE_OVERRIDES` ('' = none); throws naming the variable when malformed. */
export function parseOverrides(json: string): Record<string, string> {
  if (json.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new Error(`K_CE_OVERRIDES is not JSON: ${(err as Error).message}`);
  }
  const ext = (parsed as { extensions?: unknown } | null)?.extensions ?? {};
  if (typeof ext !== 'object' || ext === null || Array.isArray(ext)) {
    throw new Error('K_CE_OVERRIDES.extensions must be an object of strings');
  }
  return Object.fromEntries(Object.entries(ext).map(([k, v]) => [k, String(v)]));
}
