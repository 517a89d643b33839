import type { KubeObject } from '@knative-ts/kube';
import type { ContainerSource, SinkBinding } from '@knative-ts/types';
import { reconcileOnce, testNow } from '../../testing/reconcile-once.js';
import { summary } from '../../testing/fixtures.js';
import type { Deployment } from '../deployment-availability.js';
import { withSinkEnv } from '../sinkbinding/resources/sink-env.js';
import { ContainerSourceReconciler } from './reconciler.js';
import { makeDeployment, makeSinkBinding } from './resources/make-children.js';

const source = (image = 'heartbeats'): ContainerSource => ({
  apiVersion: 'sources.knative.dev/v1',
  kind: 'ContainerSource',
  metadata: { namespace: 'demo', name: 'hb', uid: 'cs-uid', generation: 1 },
  spec: {
    template: { spec: { containers: [{ name: 'hb', image }] } },
    sink: { ref: { apiVersion: 'v1', kind: 'Service', name: 'display' } },
  },
});
const defaulted = () => {
  const s = source();
  s.spec.sink = { ref: { apiVersion: 'v1', kind: 'Service', name: 'display', namespace: 'demo' } };
  return s;
};
const readyBinding = (): SinkBinding => ({
  ...makeSinkBinding(defaulted()),
  status: {
    sinkUri: 'http://display.demo.svc.cluster.local',
    conditions: [{ type: 'Ready', status: 'True' }],
  },
});
const boundDeployment = (available = true): Deployment => ({
  ...withSinkEnv(makeDeployment(defaulted()), {
    sinkUri: 'http://display.demo.svc.cluster.local',
    ceOverrides: '',
  }),
  status: {
    conditions: [
      {
        type: 'Available',
        status: available ? 'True' : 'False',
        reason: 'MinimumReplicasUnavailable',
      },
    ],
  },
});
const ref = {
  apiVersion: 'sources.knative.dev/v1',
  kind: 'ContainerSource',
  namespace: 'demo',
  name: 'hb',
};

const run = (objects: KubeObject[]) =>
  reconcileOnce<ContainerSource>({
    objects,
    apiVersion: 'sources.knative.dev/v1',
    kind: 'ContainerSource',
    key: 'demo/hb',
    reconciler: ({ client }) => new ContainerSourceReconciler({ client, now: () => testNow }),
  });

describe('ContainerSourceReconciler', () => {
  it.each([
    {
      name: 'creates its SinkBinding and Deployment',
      objects: [source()],
      wantActions: [
        'create SinkBinding demo/hb-sinkbinding',
        'create Deployment demo/hb-deployment',
        'updateStatus ContainerSource demo/hb',
      ],
      wantEvents: [
        'Normal ContainerSourceSinkBindingCreated SinkBinding created "hb-sinkbinding"',
        'Normal ContainerSourceDeploymentCreated Deployment created "hb-deployment"',
      ],
      wantConditions: {
        Ready: 'Unknown DeploymentUnavailable',
        ReceiveAdapterReady: 'Unknown DeploymentUnavailable',
        SinkBindingReady: 'Unknown',
      },
    },
    {
      name: 'Ready once the binding is Ready and the Deployment available (injected env is no drift)',
      objects: [source(), readyBinding(), boundDeployment()],
      wantActions: ['updateStatus ContainerSource demo/hb'],
      wantEvents: [],
      wantConditions: { Ready: 'True', ReceiveAdapterReady: 'True', SinkBindingReady: 'True' },
    },
    {
      name: 'an unavailable Deployment is reported with its reason',
      objects: [source(), readyBinding(), boundDeployment(false)],
      wantActions: ['updateStatus ContainerSource demo/hb'],
      wantEvents: [],
      wantConditions: {
        Ready: 'False MinimumReplicasUnavailable',
        ReceiveAdapterReady: 'False MinimumReplicasUnavailable',
        SinkBindingReady: 'True',
      },
    },
    {
      name: 'a changed template updates the Deployment',
      objects: [source('heartbeats:v2'), readyBinding(), boundDeployment()],
      wantActions: ['update Deployment demo/hb-deployment', 'updateStatus ContainerSource demo/hb'],
      wantEvents: ['Normal ContainerSourceDeploymentUpdated Deployment updated "hb-deployment"'],
      wantConditions: { Ready: 'True', ReceiveAdapterReady: 'True', SinkBindingReady: 'True' },
    },
    {
      name: 'a template without containers is invalid',
      objects: [
        { ...source(), spec: { ...source().spec, template: { spec: { containers: [] } } } },
      ],
      wantActions: ['updateStatus ContainerSource demo/hb'],
      wantEvents: ['Warning InvalidSpec missing field(s): spec.template.spec.containers'],
      wantConditions: {
        Ready: 'False InvalidSpec',
        ReceiveAdapterReady: 'Unknown',
        SinkBindingReady: 'Unknown',
      },
    },
  ])('$name', async ({ objects, wantActions, wantEvents, wantConditions }) => {
    const { actions, events, client } = await run(objects);
    expect(actions).toEqual(wantActions);
    expect(events).toEqual(wantEvents);
    expect(summary(client.peek<ContainerSource>(ref)?.status?.conditions)).toEqual(wantConditions);
  });

  it('mirrors the binding sinkUri', async () => {
    const { client } = await run([source(), readyBinding(), boundDeployment()]);
    expect(client.peek<ContainerSource>(ref)?.status?.sinkUri).toBe(
      'http://display.demo.svc.cluster.local',
    );
  });
});
