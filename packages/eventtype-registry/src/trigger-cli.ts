#!/usr/bin/env node
// Prints the Trigger that subscribes to exactly one EventType, ready for kubectl apply:
//   kubectl get eventtypes -n demo
//   knts-trigger-for <eventtype> -n demo --subscriber event-display | kubectl apply -f -
import { parseArgs } from 'node:util';
import { createKubeClient, isNotFound, loadKubeConfig } from '@knative-ts/kube';
import {
  EventingV1,
  EventingV1beta3,
  type Destination,
  type EventTypeV1beta3,
  type Trigger,
} from '@knative-ts/types';
import { stringify } from 'yaml';
import { triggerFor } from './trigger-for.js';

const usage = `usage: knts-trigger-for <eventtype> [-n <namespace>] (--subscriber <service> | --uri <url>) [--name <trigger>]

Prints a Trigger whose filter selects exactly the events of that EventType, on the Broker
it is offered by (for a Trigger's replies, that Trigger's Broker). Pipe it to kubectl apply -f -.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    namespace: { type: 'string', short: 'n', default: 'default' },
    subscriber: { type: 'string' },
    uri: { type: 'string' },
    name: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const [eventTypeName] = positionals;
if (!eventTypeName || positionals.length > 1) fail(usage);
if (!values.subscriber === !values.uri) fail(`give one of --subscriber or --uri\n\n${usage}`);
const namespace = values.namespace;
const subscriber: Destination = values.uri
  ? { uri: values.uri }
  : { ref: { apiVersion: 'v1', kind: 'Service', name: values.subscriber ?? '' } };

const client = createKubeClient(loadKubeConfig());
let et: EventTypeV1beta3;
try {
  et = await client.get<EventTypeV1beta3>({
    apiVersion: EventingV1beta3,
    kind: 'EventType',
    namespace,
    name: eventTypeName,
  });
} catch (err) {
  if (isNotFound(err))
    fail(
      `EventType ${namespace}/${eventTypeName} not found (kubectl get eventtypes -n ${namespace} lists them)`,
    );
  throw err;
}

const ref = et.spec.reference;
let broker: string;
if (ref?.kind === 'Broker') broker = ref.name;
else if (ref?.kind === 'Trigger') {
  // Replies of a Trigger re-enter its Broker.
  const t = await client.get<Trigger>({
    apiVersion: EventingV1,
    kind: 'Trigger',
    namespace: ref.namespace ?? namespace,
    name: ref.name,
  });
  broker = t.spec.broker;
} else {
  fail(
    `EventType ${namespace}/${eventTypeName} is offered by ${ref ? `${ref.kind} ${ref.name}` : 'nothing (no spec.reference)'}, not a Broker: a Trigger cannot subscribe to it (use a Subscription on the channel)`,
  );
}
const trigger = triggerFor(et, {
  broker,
  subscriber,
  ...(values.name ? { name: values.name } : {}),
});
process.stdout.write(stringify(trigger));
