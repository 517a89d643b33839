/**
 * The control-plane / data-plane contract, part 4: annotations that change how a channel
 * dispatcher delivers (set by users or reconcilers, read by the dispatchers). The others
 * of the contract live beside their kinds: `AsyncHandlerAnnotation` (in-memory-channel.ts)
 * and `BrokerChannelAddressStatusAnnotation` (broker.ts).
 */

/**
 * Delivery order of a subscription on a durable channel (Knative eventing-kafka-broker's
 * name): `ordered` (default: one event in flight per partition) or `unordered`.
 */
export const DeliveryOrderAnnotation = 'kafka.eventing.knative.dev/delivery.order';
