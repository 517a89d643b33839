import type { KubeObject } from '@knative-ts/kube';
import { FakeKubeClient, type FakeAction, type Reactor } from '@knative-ts/kube/testing';
import {
  Controller,
  Informer,
  type KindReconciler,
  type ReconcileOutcome,
} from '@knative-ts/reconciler';
import { liveReferences, type References } from '../references/references.js';

/** A fixed clock for condition transition times, so expected statuses are exact. */
export const testNow = new Date('2025-01-01T00:00:00Z');
export const testTime = '2025-01-01T00:00:00Z';

export interface ReconcileOnceArgs<T extends KubeObject> {
  objects: KubeObject[];
  apiVersion: string;
  kind: string;
  key: string;
  reconciler: (deps: { client: FakeKubeClient; references: References }) => KindReconciler<T>;
  reactors?: Array<{ verb: FakeAction['verb'] | '*'; kind: string; react: Reactor }>;
}

export interface ReconcileOnceResult {
  outcome: ReconcileOutcome;
  /** Mutations other than Events, as `verb Kind ns/name`. */
  actions: string[];
  /** The bodies of those mutations, in the same order. */
  bodies: unknown[];
  /** Events as `Type Reason message`. */
  events: string[];
  tracked: string[];
  client: FakeKubeClient;
}

/**
 * One reconcile of `key` through the real Controller (finalizers, status write, events)
 * over a FakeKubeClient holding `objects`: the "objects in → actions and Events out" of
 * Knative's table tests.
 */
export async function reconcileOnce<T extends KubeObject>(
  args: ReconcileOnceArgs<T>,
): Promise<ReconcileOnceResult> {
  const client = new FakeKubeClient({ objects: args.objects });
  const references = liveReferences(client);
  const informer = new Informer<T>({ client, apiVersion: args.apiVersion, kind: args.kind });
  informer.start();
  await informer.waitForSync();
  const controller = new Controller<T>({
    name: 'test',
    client,
    informer,
    reconciler: args.reconciler({ client, references }),
    component: 'eventing-controller',
  });
  for (const { verb, kind, react } of args.reactors ?? []) client.prependReactor(verb, kind, react);
  client.clearActions();
  const outcome = await controller.reconcile(args.key);
  await controller.flushEvents();
  await informer.stop();
  const mutations = client.mutations().filter((a) => a.kind !== 'Event');
  return {
    outcome,
    actions: mutations.map((a) => `${a.verb} ${a.kind} ${a.namespace ?? ''}/${a.name ?? ''}`),
    bodies: mutations.map((a) => a.body),
    events: client.events.map((e) => {
      const { type, reason, message } = e as unknown as Record<string, string>;
      return `${type} ${reason} ${message}`;
    }),
    tracked: references.tracked,
    client,
  };
}
