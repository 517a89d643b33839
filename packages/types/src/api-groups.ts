/** API group/version of every Knative kind we serve (DESIGN.md section 1). */
export const EventingV1 = 'eventing.knative.dev/v1';
export const EventingV1beta2 = 'eventing.knative.dev/v1beta2';
/** EventType's attribute-list version, and where we store EventTypes. */
export const EventingV1beta3 = 'eventing.knative.dev/v1beta3';
export const MessagingV1 = 'messaging.knative.dev/v1';
export const MessagingV1beta1 = 'messaging.knative.dev/v1beta1';
export const MessagingV1alpha1 = 'messaging.knative.dev/v1alpha1';
export const FlowsV1 = 'flows.knative.dev/v1';
export const SourcesV1 = 'sources.knative.dev/v1';

/** The apiVersion each kind is served at, keyed by kind. */
export const ApiVersionOfKind = {
  Broker: EventingV1,
  Trigger: EventingV1,
  EventType: EventingV1beta2,
  Channel: MessagingV1,
  InMemoryChannel: MessagingV1,
  Subscription: MessagingV1,
  KafkaChannel: MessagingV1beta1,
  NatssChannel: MessagingV1alpha1,
  /** eventing-natss's name for the same JetStream channel (short name natsjsmc). */
  NatsJetStreamChannel: MessagingV1alpha1,
  Sequence: FlowsV1,
  Parallel: FlowsV1,
  PingSource: SourcesV1,
  ApiServerSource: SourcesV1,
  ContainerSource: SourcesV1,
  SinkBinding: SourcesV1,
} as const;

/** A kind this implementation serves. */
export type Kind = keyof typeof ApiVersionOfKind;

/** Split `group/version` into its parts. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
