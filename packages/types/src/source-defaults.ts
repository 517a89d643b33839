import type { ApiServerSource } from './api-server-source.js';
import type { ContainerSource } from './container-source.js';
import { defaultDestination } from './destination-defaults.js';
import type { PingSource } from './ping-source.js';
import type { SinkBinding } from './sink-binding.js';

/** PingSource schedule when none is given: every minute. */
export const DefaultPingSchedule = '* * * * *';

/** Default a PingSource: schedule every minute, sink ref namespace. */
export function defaultPingSource(ps: PingSource): PingSource {
  const out = structuredClone(ps);
  if (!out.spec.schedule) out.spec.schedule = DefaultPingSchedule;
  if (out.spec.sink) out.spec.sink = defaultDestination(out.spec.sink, out.metadata.namespace);
  return out;
}

/** Default an ApiServerSource: mode Reference, ServiceAccount `default`, sink ref namespace. */
export function defaultApiServerSource(src: ApiServerSource): ApiServerSource {
  const out = structuredClone(src);
  if (!out.spec.mode) out.spec.mode = 'Reference';
  if (!out.spec.serviceAccountName) out.spec.serviceAccountName = 'default';
  if (out.spec.sink) out.spec.sink = defaultDestination(out.spec.sink, out.metadata.namespace);
  return out;
}

/** Default a ContainerSource: unnamed containers become `<source>-<i>`, sink ref namespace. */
export function defaultContainerSource(cs: ContainerSource): ContainerSource {
  const out = structuredClone(cs);
  const containers = out.spec.template?.spec?.containers;
  containers?.forEach((c, i) => {
    if (!c.name) c.name = `${out.metadata.name ?? ''}-${i}`;
  });
  if (out.spec.sink) out.spec.sink = defaultDestination(out.spec.sink, out.metadata.namespace);
  return out;
}

/** Default a SinkBinding: the subject and sink ref live in the binding's namespace unless set. */
export function defaultSinkBinding(sb: SinkBinding): SinkBinding {
  const out = structuredClone(sb);
  const ns = out.metadata.namespace;
  if (out.spec.subject && !out.spec.subject.namespace && ns) out.spec.subject.namespace = ns;
  if (out.spec.sink) out.spec.sink = defaultDestination(out.spec.sink, ns);
  return out;
}
