/**
 * The dead-letter sink fields of a status (`deadLetterSinkUri` with its CA certs and
 * audience), shared by every kind that resolves or mirrors one: InMemoryChannel, Channel,
 * Broker, Trigger. Each caller keeps its own Knative condition reasons.
 */
import type { KubeObject } from '@knative-ts/kube';
import { keyOf } from '@knative-ts/reconciler';
import type { Destination } from '@knative-ts/types';
import type { DestinationResolver } from '../resolver/destination-resolver.js';

export interface DeadLetterSinkStatus {
  deadLetterSinkUri?: string;
  deadLetterSinkCACerts?: string;
  deadLetterSinkAudience?: string;
}

/** Removes the fields, so a sink that went away does not linger in status. */
export function clearDeadLetterSink(status: DeadLetterSinkStatus): void {
  delete status.deadLetterSinkUri;
  delete status.deadLetterSinkCACerts;
  delete status.deadLetterSinkAudience;
}

/** Copies a resolved sink (an address, or another object's status fields) into `status`. */
export function setDeadLetterSink(
  status: DeadLetterSinkStatus,
  sink: { uri: string; CACerts?: string | undefined; audience?: string | undefined },
): void {
  status.deadLetterSinkUri = sink.uri;
  if (sink.CACerts) status.deadLetterSinkCACerts = sink.CACerts;
  if (sink.audience) status.deadLetterSinkAudience = sink.audience;
}

/** The sink fields another object resolved, in the shape `setDeadLetterSink` takes. */
export function deadLetterSinkOf(
  from: DeadLetterSinkStatus,
): { uri: string; CACerts?: string; audience?: string } | undefined {
  if (!from.deadLetterSinkUri) return undefined;
  return {
    uri: from.deadLetterSinkUri,
    ...(from.deadLetterSinkCACerts && { CACerts: from.deadLetterSinkCACerts }),
    ...(from.deadLetterSinkAudience && { audience: from.deadLetterSinkAudience }),
  };
}

/**
 * Resolves `sink` for `owner` (tracked through the resolver) into `status`. Returns the
 * resolver's message when it cannot, leaving the fields cleared.
 */
export async function resolveDeadLetterSink(
  resolver: DestinationResolver,
  sink: Destination,
  owner: KubeObject,
  status: DeadLetterSinkStatus,
): Promise<string | undefined> {
  clearDeadLetterSink(status);
  try {
    const address = await resolver.address(sink, owner.metadata.namespace ?? '', keyOf(owner));
    setDeadLetterSink(status, {
      uri: address.url,
      CACerts: address.CACerts,
      audience: address.audience,
    });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
