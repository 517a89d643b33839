import type { ChannelTemplateSpec, Destination, KReference } from '@knative-ts/types';

/** Copy of the addressing fields of a Destination (ref, uri, CACerts, audience), nothing else. */
export function destinationOf(d: Destination): Destination {
  const out: Destination = {};
  if (d.ref) out.ref = structuredClone(d.ref);
  if (d.uri) out.uri = d.uri;
  if (d.CACerts) out.CACerts = d.CACerts;
  if (d.audience) out.audience = d.audience;
  return out;
}

/** A Subscription's `spec.channel`: the template's kind, `name`, same namespace (implicit). */
export function channelReference(template: ChannelTemplateSpec, name: string): KReference {
  return { apiVersion: template.apiVersion, kind: template.kind, name };
}

/** A Destination pointing at the flow's channel `name` (namespace explicit, as Knative writes it). */
export function channelDestination(
  template: ChannelTemplateSpec,
  name: string,
  namespace: string,
): Destination {
  return { ref: { ...channelReference(template, name), namespace } };
}
