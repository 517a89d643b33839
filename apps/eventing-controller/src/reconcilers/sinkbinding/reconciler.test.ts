import { apiError } from '@knative-ts/kube';
import type { KubeObject } from '@knative-ts/kube';
import type { SinkBinding, SinkBindingSpec } from '@knative-ts/types';
import { reconcileOnce, testNow } from '../../testing/reconcile-once.js';
import { summary, testResolver } from '../../testing/fixtures.js';
import { SinkBindingReconciler } from './reconciler.js';

const sinkUri = 'http://display.demo.svc.cluster.local';
function binding(
  spec: Partial<SinkBindingSpec> = {},
  extra: Partial<SinkBinding> = {},
): SinkBinding {
  return {
    apiVersion: 'sources.knative.dev/v1',
    kind: 'SinkBinding',
    metadata: {
      namespace: 'demo',
      name: 'bind',
      uid: 'sb-uid',
      generation: 1,
      finalizers: ['sinkbindings.sources.knative.dev'],
    },
    spec: {
      subject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'app' },
      sink: { ref: { apiVersion: 'v1', kind: 'Service', name: 'display' } },
      ...spec,
    },
    ...extra,
  };
}
const deployment = (
  name: string,
  labels: Record<string, string> = {},
  env: Array<{ name: string; value: string }> = [],
): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { namespace: 'demo', name, labels },
  spec: { template: { spec: { containers: [{ name: 'main', image: 'x', env }] } } },
});
const bound = (name: string, labels: Record<string, string> = {}) =>
  deployment(name, labels, [
    { name: 'K_SINK', value: sinkUri },
    { name: 'K_CE_OVERRIDES', value: '' },
  ]);
const ref = {
  apiVersion: 'sources.knative.dev/v1',
  kind: 'SinkBinding',
  namespace: 'demo',
  name: 'bind',
};
const envOf = (obj: KubeObject | undefined) =>
  (obj?.spec as { template: { spec: { containers: Array<{ env?: unknown }> } } } | undefined)
    ?.template.spec.containers[0]?.env;

const run = (objects: KubeObject[]) =>
  reconcileOnce<SinkBinding>({
    objects,
    apiVersion: 'sources.knative.dev/v1',
    kind: 'SinkBinding',
    key: 'demo/bind',
    reconciler: ({ client, references }) =>
      new SinkBindingReconciler({
        client,
        references,
        resolver: testResolver(references),
        now: () => testNow,
      }),
  });

const ready = {
  OIDCIdentityCreated: 'True authentication-oidc feature disabled',
  OIDCTokenSecretCreated: 'True authentication-oidc feature disabled',
  Ready: 'True',
  SinkBindingAvailable: 'True',
  SinkProvided: 'True',
};

describe('SinkBindingReconciler', () => {
  it.each([
    {
      name: 'injects K_SINK into the named subject',
      objects: [binding(), deployment('app')],
      wantActions: ['update Deployment demo/app', 'updateStatus SinkBinding demo/bind'],
      wantConditions: ready,
    },
    {
      name: 'injects into every subject the selector picks, not the others',
      objects: [
        binding({
          subject: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            selector: { matchLabels: { bind: 'yes' } },
          },
        }),
        deployment('a', { bind: 'yes' }),
        deployment('b', { bind: 'yes' }),
        deployment('c', { bind: 'no' }),
      ],
      wantActions: [
        'update Deployment demo/a',
        'update Deployment demo/b',
        'updateStatus SinkBinding demo/bind',
      ],
      wantConditions: ready,
    },
    {
      name: 'a missing subject is SinkBindingAvailable=False SubjectMissing',
      objects: [binding()],
      wantActions: ['updateStatus SinkBinding demo/bind'],
      wantConditions: {
        ...ready,
        Ready: 'False SubjectMissing',
        SinkBindingAvailable: 'False SubjectMissing',
      },
    },
    {
      name: 'an already bound subject is left alone',
      objects: [binding(), bound('app')],
      wantActions: ['updateStatus SinkBinding demo/bind'],
      wantConditions: ready,
    },
    {
      name: 'an unresolvable sink fails SinkProvided and binds nothing',
      objects: [
        binding({
          sink: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'gone' } },
        }),
        deployment('app'),
      ],
      wantActions: ['updateStatus SinkBinding demo/bind'],
      wantConditions: {
        ...ready,
        Ready: 'False NotFound',
        SinkBindingAvailable: 'Unknown',
        SinkProvided: 'False NotFound',
      },
    },
  ])('$name', async ({ objects, wantActions, wantConditions }) => {
    const { actions, client } = await run(objects);
    expect(actions).toEqual(wantActions);
    const got = client.peek<SinkBinding>(ref);
    expect(summary(got?.status?.conditions)).toEqual(wantConditions);
  });

  it('writes the sink and overrides into the subject and status.sinkUri', async () => {
    const { client } = await run([
      binding({ ceOverrides: { extensions: { team: 'a' } } }),
      deployment('app', {}, [{ name: 'OWN', value: '1' }]),
    ]);
    expect(
      envOf(client.peek({ ...ref, apiVersion: 'apps/v1', kind: 'Deployment', name: 'app' })),
    ).toEqual([
      { name: 'OWN', value: '1' },
      { name: 'K_SINK', value: sinkUri },
      { name: 'K_CE_OVERRIDES', value: '{"extensions":{"team":"a"}}' },
    ]);
    expect(client.peek<SinkBinding>(ref)?.status?.sinkUri).toBe(sinkUri);
  });

  it('tracks a named subject so that its later creation re-queues the binding', async () => {
    const { tracked } = await run([binding()]);
    expect(tracked).toContain('Deployment.apps demo/app <- demo/bind');
  });

  it('takes its variables out of the subject when deleted', async () => {
    const deleting = binding({}, {});
    deleting.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
    const { actions, client } = await run([deleting, bound('app')]);
    expect(actions).toContain('update Deployment demo/app');
    expect(
      envOf(client.peek({ ...ref, apiVersion: 'apps/v1', kind: 'Deployment', name: 'app' })),
    ).toEqual([]);
  });
});

describe('SinkBindingReconciler finalizer', () => {
  it('does not keep the binding when a subject refuses the update (an immutable Job)', async () => {
    const deleting = binding({
      subject: { apiVersion: 'batch/v1', kind: 'Job', selector: { matchLabels: { app: 'x' } } },
    });
    deleting.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { namespace: 'demo', name: 'j', labels: { app: 'x' } },
      spec: {
        template: { spec: { containers: [{ name: 'c', env: [{ name: 'K_SINK', value: 'x' }] }] } },
      },
    };
    const { events, client } = await reconcileOnce<SinkBinding>({
      objects: [deleting, job],
      apiVersion: 'sources.knative.dev/v1',
      kind: 'SinkBinding',
      key: 'demo/bind',
      reconciler: ({ client: c, references }) =>
        new SinkBindingReconciler({
          client: c,
          references,
          resolver: testResolver(references),
          now: () => testNow,
        }),
      reactors: [
        {
          verb: 'update',
          kind: 'Job',
          react: () => apiError(422, 'Invalid', 'field is immutable', { verb: 'update' }),
        },
      ],
    });
    expect(events).toEqual([]);
    expect(client.peek<SinkBinding>(ref)?.metadata.finalizers ?? []).toEqual([]);
  });
});
