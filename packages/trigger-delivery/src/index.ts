export {
  BrokerTimeouts,
  brokerTimeout,
  type BrokerTimeout,
  type BrokerTimeoutLookup,
  type BrokerTimeoutsOptions,
} from './broker-timeouts.js';
export * from './filter-metrics.js';
export {
  localTriggerDelivery,
  type LocalTriggerDeliveryOptions,
} from './local-trigger-delivery.js';
export * from './subscriber-response.js';
export {
  deliverToTrigger,
  refused,
  type FilterRecorder,
  type TriggerCall,
  type TriggerDeliveryOptions,
} from './trigger-delivery.js';
export * from './trigger-table.js';
export {
  startTriggerChannelSupport,
  triggerChannelSchema,
  type TriggerChannelSupport,
  type TriggerChannelSupportOptions,
} from './trigger-channel-support.js';
