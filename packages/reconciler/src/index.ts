export { Cache, type IndexFunc } from './cache.js';
export { realClock, sleep, type Clock, type TimerHandle } from './clock.js';
export {
  Controller,
  type ControllerOptions,
  type KindReconciler,
  type ReconcileOutcome,
} from './controller.js';
export { EventRecorder, type EventRecorderOptions } from './event-recorder.js';
export { hasFinalizer, setFinalizer } from './finalizers.js';
export { Informer, type EventHandlers, type InformerOptions } from './informer.js';
export { keyOf, splitKey } from './keys.js';
export { NamespacedTable } from './namespaced-table.js';
export { LeaderElector, type LeaderElectionOptions } from './leader-election.js';
export { silentLogger, type Logger } from './logger.js';
export { controllerOf, isControlledBy, ownerReference } from './owner-refs.js';
export { ExponentialFailureRateLimiter, type RateLimiter } from './rate-limiter.js';
export {
  isEventLike,
  isRequeueAfter,
  normalEvent,
  ReconcileEvent,
  requeueAfter,
  warningEvent,
  type EventLike,
  type ReconcileResult,
  type RequeueAfter,
} from './reconcile-event.js';
export { setObservedGeneration, statusChanged, statusEqual } from './status.js';
export { cachedStrings, StringInterner } from './string-interner.js';
export { Tracker, type ChangeFilter, type TrackedRef, type TrackerOptions } from './tracker.js';
export { WorkQueue, type WorkQueueOptions } from './workqueue.js';
