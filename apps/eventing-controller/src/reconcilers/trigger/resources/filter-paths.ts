import { serviceHostName, type Trigger } from '@knative-ts/types';
import { BrokerFilterName } from '../../broker/resources/system-services.js';

/** broker-filter's path for a trigger (sugar/trigger/path): `/triggers/<ns>/<name>/<uid>`. */
export function triggerFilterPath(trigger: Trigger): string {
  const { namespace = '', name = '', uid = '' } = trigger.metadata;
  return `/triggers/${namespace}/${name}/${uid}`;
}

/** Where broker-filter receives this trigger's events (the Subscription's subscriber). */
export function triggerFilterUrl(
  trigger: Trigger,
  systemNamespace: string,
  clusterDomain: string,
): string {
  const host = serviceHostName(BrokerFilterName, systemNamespace, clusterDomain);
  return `http://${host}${triggerFilterPath(trigger)}`;
}
