/**
 * Which Trigger a channel subscriber URI names, when it is this system's broker-filter
 * (`http://<broker-filter host>/triggers/<ns>/<name>/<uid>`, the URI the Trigger reconciler
 * writes into the trigger channel's Subscription). Subscriber URIs are per Subscription,
 * so a bounded memo of the parse is plenty.
 */
import { parseTriggerPath } from '@knative-ts/types';

export interface TriggerTarget {
  namespace: string;
  name: string;
  uid: string;
  /** `namespace/name`. */
  key: string;
}

const MAX_PARSED_URIS = 10_000;

export class TriggerUris {
  private readonly parsed = new Map<string, TriggerTarget | undefined>();
  private readonly prefix: string;

  constructor(brokerFilterHost: string) {
    this.prefix = `http://${brokerFilterHost}/`;
  }

  /** The Trigger behind `uri`, or undefined when it is not broker-filter's subscriber path. */
  parse(uri: string): TriggerTarget | undefined {
    if (this.parsed.has(uri)) return this.parsed.get(uri);
    let result: TriggerTarget | undefined;
    if (uri.startsWith(this.prefix)) {
      const path = parseTriggerPath(uri.slice(this.prefix.length - 1));
      if (path.kind === 'trigger' && path.endpoint === 'subscriber') {
        const { namespace, name, uid } = path;
        result = { namespace, name, uid, key: `${namespace}/${name}` };
      }
    }
    if (this.parsed.size >= MAX_PARSED_URIS) this.parsed.clear();
    this.parsed.set(uri, result);
    return result;
  }
}
