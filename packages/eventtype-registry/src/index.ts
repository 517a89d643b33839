export {
  autoCreateSchema,
  AutoCreateFeature,
  startEventTypeAutoCreate,
  type EventTypeAutoCreate,
} from './auto-create.js';
export {
  DefaultAutoCreateLimits,
  EventTypeAutoCreator,
  type AutoCreateLimits,
  type AutoCreatorOptions,
  type EventTypeObserver,
} from './auto-creator.js';
export * from './json-schema.js';
export * from './make-auto-event-type.js';
export * from './trigger-for.js';
