import { apiError, type KubeObject } from '@knative-ts/kube';
import { FakeKubeClient, type FakeAction } from '@knative-ts/kube/testing';
import { Controller, type KindReconciler, type ReconcileOutcome } from './controller.js';
import { Informer } from './informer.js';
import { normalEvent, requeueAfter, warningEvent } from './reconcile-event.js';
import { FakeClock, flush } from './testing/fake-clock.js';

const apiVersion = 'itest.dev/v1';
const kind = 'Widget';
const finalizer = 'widgets.itest.dev';
const ready = { type: 'Ready', status: 'True' };

interface Widget extends KubeObject {
  spec: { size: number };
  status?: {
    observedGeneration?: number;
    conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }>;
  };
}

function widget(
  overrides: { metadata?: Partial<Widget['metadata']>; status?: Widget['status'] } = {},
): Widget {
  return {
    apiVersion,
    kind,
    metadata: { namespace: 'ns', name: 'w', generation: 1, ...overrides.metadata },
    spec: { size: 1 },
    ...(overrides.status ? { status: overrides.status } : {}),
  };
}

const markReady: KindReconciler<Widget>['reconcileKind'] = async (w) => {
  w.status = { ...w.status, conditions: [ready] };
};

interface Row {
  name: string;
  objects: Widget[];
  reconcileKind?: KindReconciler<Widget>['reconcileKind'];
  finalizeKind?: KindReconciler<Widget>['finalizeKind'];
  reactor?: (a: FakeAction) => Error | undefined;
  wantActions: string[];
  wantEvents?: string[];
  wantOutcome: ReconcileOutcome['result'];
  wantStatus?: Widget['status'];
}

const rows: Row[] = [
  {
    name: 'writes a new condition with observedGeneration',
    objects: [widget({ metadata: { generation: 3 } })],
    reconcileKind: markReady,
    wantActions: ['updateStatus ns/w'],
    wantOutcome: 'done',
    wantStatus: { observedGeneration: 3, conditions: [ready] },
  },
  {
    name: 'writes nothing when the status did not change',
    objects: [widget({ status: { observedGeneration: 1, conditions: [ready] } })],
    reconcileKind: markReady,
    wantActions: [],
    wantOutcome: 'done',
  },
  {
    name: 'writes nothing when a condition went through Unknown and back to what it was',
    objects: [
      widget({
        status: {
          observedGeneration: 1,
          conditions: [{ ...ready, lastTransitionTime: '2024-01-01T00:00:00Z' }],
        },
      }),
    ],
    reconcileKind: async (w) => {
      // As a reconciler marking Unknown while it resolves, then True, would leave it.
      w.status = {
        ...w.status,
        conditions: [{ ...ready, lastTransitionTime: new Date().toISOString() }],
      };
    },
    wantActions: [],
    wantOutcome: 'done',
  },
  {
    name: 'turns a thrown error into a Warning InternalError event and a retry',
    objects: [widget({ status: { observedGeneration: 1 } })],
    reconcileKind: async () => {
      throw new Error('sink unreachable');
    },
    wantActions: ['create Event'],
    wantEvents: ['Warning InternalError sink unreachable'],
    wantOutcome: 'retry',
  },
  {
    name: 'records a returned Warning event, writes status and retries',
    objects: [widget()],
    reconcileKind: async (w) => {
      w.status = { conditions: [{ type: 'Ready', status: 'False' }] };
      return warningEvent('ChannelMissing', 'channel "c" not found');
    },
    wantActions: ['updateStatus ns/w', 'create Event'],
    wantEvents: ['Warning ChannelMissing channel "c" not found'],
    wantOutcome: 'retry',
  },
  {
    name: 'records a Normal event as success',
    objects: [widget({ status: { observedGeneration: 1 } })],
    reconcileKind: async () => normalEvent('Provisioned', 'topic created'),
    wantActions: ['create Event'],
    wantEvents: ['Normal Provisioned topic created'],
    wantOutcome: 'done',
  },
  {
    name: 'asks for a later reconcile',
    objects: [widget({ status: { observedGeneration: 1 } })],
    reconcileKind: async () => requeueAfter(30_000),
    wantActions: [],
    wantOutcome: 'requeueAfter',
  },
  {
    name: 'adds the finalizer before reconciling when finalizeKind exists',
    objects: [widget()],
    reconcileKind: markReady,
    finalizeKind: async () => undefined,
    wantActions: ['patch ns/w finalizers=widgets.itest.dev', 'updateStatus ns/w'],
    wantOutcome: 'done',
  },
  {
    name: 'finalizes a deleted object and removes the finalizer',
    objects: [
      widget({ metadata: { deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: [finalizer] } }),
    ],
    reconcileKind: markReady,
    finalizeKind: async () => undefined,
    wantActions: ['patch ns/w finalizers=null'],
    wantOutcome: 'done',
  },
  {
    name: 'keeps the finalizer and warns when finalization fails',
    objects: [
      widget({ metadata: { deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: [finalizer] } }),
    ],
    finalizeKind: async () => warningEvent('TopicDeleteFailed', 'kafka unavailable'),
    wantActions: ['create Event'],
    wantEvents: ['Warning TopicDeleteFailed kafka unavailable'],
    wantOutcome: 'retry',
  },
  {
    name: 'skips an object being deleted that holds no finalizer of ours',
    objects: [
      widget({ metadata: { deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['other'] } }),
    ],
    reconcileKind: markReady,
    finalizeKind: async () => undefined,
    wantActions: [],
    wantOutcome: 'done',
  },
  {
    name: 'retries a status conflict without an event',
    objects: [widget()],
    reconcileKind: markReady,
    reactor: (a) =>
      a.verb === 'updateStatus'
        ? apiError(409, 'Conflict', 'modified', { verb: 'updateStatus' })
        : undefined,
    wantActions: ['updateStatus ns/w'],
    wantOutcome: 'retry',
  },
  {
    name: 'warns when the status write fails otherwise',
    objects: [widget()],
    reconcileKind: markReady,
    reactor: (a) =>
      a.verb === 'updateStatus'
        ? apiError(422, 'Invalid', 'bad status', { verb: 'updateStatus' })
        : undefined,
    wantActions: ['updateStatus ns/w', 'create Event'],
    wantEvents: [
      'Warning UpdateFailed Failed to update status for "ns/w": updateStatus: bad status',
    ],
    wantOutcome: 'retry',
  },
];

function describeAction(a: FakeAction): string {
  if (a.kind === 'Event') return `${a.verb} Event`;
  const target = `${a.verb} ${a.namespace}/${a.name}`;
  if (a.verb !== 'patch') return target;
  const finalizers = (a.body as { metadata?: { finalizers?: string[] | null } }).metadata
    ?.finalizers;
  return `${target} finalizers=${finalizers === null ? 'null' : (finalizers ?? []).join(',')}`;
}

async function setup(objects: Widget[], reconciler: KindReconciler<Widget>) {
  const clock = new FakeClock();
  const client = new FakeKubeClient({ objects, now: () => new Date(clock.now()) });
  const informer = new Informer<Widget>({ client, apiVersion, kind, clock });
  const controller = new Controller<Widget>({
    name: 'widget',
    client,
    informer,
    reconciler,
    component: 'test',
    clock,
  });
  informer.start();
  await informer.waitForSync();
  client.clearActions();
  return { clock, client, informer, controller };
}

describe('Controller.reconcile', () => {
  it.each(rows)('$name', async (row) => {
    const reconciler: KindReconciler<Widget> = {
      reconcileKind: row.reconcileKind ?? (async () => undefined),
    };
    if (row.finalizeKind) reconciler.finalizeKind = row.finalizeKind;
    const { client, informer, controller } = await setup(row.objects, reconciler);
    if (row.reactor) client.prependReactor('*', '*', row.reactor);

    const outcome = await controller.reconcile('ns/w');
    await controller.flushEvents();

    expect(client.mutations().map(describeAction)).toEqual(row.wantActions);
    expect(
      client.events.map(
        (e) =>
          `${String(e['type' as keyof KubeObject])} ${String(e['reason' as keyof KubeObject])} ${String(e['message' as keyof KubeObject])}`,
      ),
    ).toEqual(row.wantEvents ?? []);
    expect(outcome.result).toBe(row.wantOutcome);
    if (row.wantStatus)
      expect(client.peek<Widget>({ apiVersion, kind, namespace: 'ns', name: 'w' })?.status).toEqual(
        row.wantStatus,
      );
    await informer.stop();
  });

  it('returns done for a key that is not in the cache', async () => {
    const { client, controller, informer } = await setup([], { reconcileKind: markReady });
    await expect(controller.reconcile('ns/missing')).resolves.toEqual({ result: 'done' });
    expect(client.mutations()).toEqual([]);
    await informer.stop();
  });
});

describe('Controller with workers', () => {
  it('reconciles changes, survives a failure and re-reconciles on a spec change', async () => {
    let failNext = true;
    const seen: number[] = [];
    const { clock, client, controller } = await setup([], {
      reconcileKind: async (w) => {
        seen.push(w.metadata.generation ?? 0);
        if (failNext) {
          failNext = false;
          throw new Error('first try fails');
        }
        w.status = { ...w.status, conditions: [ready] };
      },
    });
    await controller.start();
    await client.create(widget());
    await flush();
    await controller.flushEvents();
    // The failed reconcile still wrote observedGeneration; that change re-queued the key.
    const ref = { apiVersion, kind, namespace: 'ns', name: 'w' };
    expect(client.events.map((e) => (e as { reason?: string }).reason)).toEqual(['InternalError']);
    expect(client.peek<Widget>(ref)?.status).toEqual({
      observedGeneration: 1,
      conditions: [ready],
    });
    expect(controller.queue.numRequeues('ns/w')).toBe(0);
    await clock.advance(5); // the pending backoff retry finds nothing to change
    const writes = client.mutations().length;

    await client.patch(ref, { spec: { size: 2 } });
    await flush();
    expect(client.peek<Widget>(ref)?.status?.observedGeneration).toBe(2);
    expect(client.mutations().length).toBe(writes + 2); // the patch and one status write
    expect(seen.at(-1)).toBe(2);
    await controller.stop();
  });
});
