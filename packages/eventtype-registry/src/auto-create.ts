import type { KubeClient } from '@knative-ts/kube';
import type { Logger } from '@knative-ts/reconciler';
import { oneOf } from '@knative-ts/runtime';
import {
  EventTypeAutoCreator,
  type AutoCreateLimits,
  type EventTypeObserver,
} from './auto-creator.js';

/** Knative's `config-features` key, and the values its flags take. */
export const AutoCreateFeature = 'eventtype-auto-create';
const flagValues = ['enabled', 'disabled', 'allowed'] as const;

/**
 * The flag as an app reads it: `FEATURE_EVENTTYPE_AUTO_CREATE`, which the chart fills from
 * `config-features` (`configMapKeyRef`), so the data plane needs no ConfigMap access.
 * Spread it into the app's config schema.
 */
export const autoCreateSchema = {
  /** `config-features` `eventtype-auto-create`: only `enabled` turns auto-creation on. */
  FEATURE_EVENTTYPE_AUTO_CREATE: oneOf(flagValues, 'disabled'),
};

/** An observer plus its shutdown. */
export interface EventTypeAutoCreate extends EventTypeObserver {
  stop(): Promise<void>;
}

/**
 * What an ingress calls once at start: the observer to call for every accepted event,
 * `observe({apiVersion, kind, namespace, name}, event)`. With the flag off it does nothing
 * at all, and no API call is ever made.
 */
export function startEventTypeAutoCreate(o: {
  client: KubeClient;
  log: Logger;
  flag: (typeof flagValues)[number];
  limits?: Partial<AutoCreateLimits>;
}): EventTypeAutoCreate {
  const enabled = o.flag === 'enabled';
  const creator = new EventTypeAutoCreator({
    client: o.client,
    log: o.log,
    enabled: () => enabled,
    ...(o.limits ? { limits: o.limits } : {}),
  });
  return { observe: (owner, event) => creator.observe(owner, event), stop: () => creator.stop() };
}
