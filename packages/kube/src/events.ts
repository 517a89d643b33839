import { randomBytes } from 'node:crypto';
import type { EventInput, KubeObject } from './types.js';

/** An Event's timestamp: RFC 3339 in whole seconds, as client-go writes metav1.Time. */
export function eventTimestamp(at: Date): string {
  return at.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Builds a core/v1 Event about `input.involvedObject`, as client-go's recorder does. */
export function buildEvent(input: EventInput, now: Date): KubeObject {
  const { involvedObject: obj, type, reason, message, component, count = 1 } = input;
  const namespace = obj.metadata.namespace ?? 'default';
  const name = obj.metadata.name ?? 'unnamed';
  const timestamp = eventTimestamp(now);
  const event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      // client-go names events <object>.<unix nanos in hex>; the suffix avoids collisions.
      name: `${name}.${(now.getTime() * 1e6).toString(16)}${randomBytes(2).toString('hex')}`,
      namespace,
    },
    involvedObject: {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
    },
    type,
    reason,
    // The API server rejects messages over 1 KiB; keep the start, which names the cause.
    message: message.length > 1024 ? `${message.slice(0, 1021)}...` : message,
    source: { component },
    firstTimestamp: timestamp,
    lastTimestamp: timestamp,
    count,
  };
  return event as KubeObject;
}
