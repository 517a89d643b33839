import { livingConditionSet } from './condition-set.js';
import type { KnativeObject } from './duck.js';
import type { SourceSpec, SourceStatus } from './source-duck.js';

/** CloudEvent type every PingSource emits. */
export const PingSourceEventType = 'dev.knative.sources.ping';

/** PingSource spec: a cron schedule and the payload to send. */
export interface PingSourceSpec extends SourceSpec {
  /** Cron, 5 fields (or 6 with seconds); defaults to every minute. */
  schedule?: string;
  /** IANA time zone the schedule is read in. */
  timezone?: string;
  contentType?: string;
  /** Payload as text; exclusive with dataBase64. */
  data?: string;
  dataBase64?: string;
}

/** sources.knative.dev/v1 PingSource. */
export type PingSource = KnativeObject<PingSourceSpec, SourceStatus>;

/** PingSource conditions (ping_lifecycle.go). */
export const PingSourceConditions = livingConditionSet([
  'SinkProvided',
  'Deployed',
  'OIDCIdentityCreated',
]);

/** CloudEvent `source` of a PingSource's events. */
export function pingSourceEventSource(namespace: string, name: string): string {
  return `/apis/v1/namespaces/${namespace}/pingsources/${name}`;
}
