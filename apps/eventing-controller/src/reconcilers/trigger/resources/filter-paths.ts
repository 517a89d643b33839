import { triggerFilterUrl as contractUrl, triggerPath, type Trigger } from '@knative-ts/types';

/** broker-filter's path for a trigger (sugar/trigger/path): `/triggers/<ns>/<name>/<uid>`. */
export function triggerFilterPath(trigger: Trigger): string {
  const { namespace = '', name = '', uid = '' } = trigger.metadata;
  return triggerPath(namespace, name, uid);
}

/** Where broker-filter receives this trigger's events (the Subscription's subscriber). */
export function triggerFilterUrl(
  trigger: Trigger,
  systemNamespace: string,
  clusterDomain: string,
): string {
  const { namespace = '', name = '', uid = '' } = trigger.metadata;
  return contractUrl({ namespace, name, uid, systemNamespace, clusterDomain });
}
