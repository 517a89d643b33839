import type { KubeObject } from '@knative-ts/kube';
import type { ApiServerSource, ApiServerSourceSpec } from '@knative-ts/types';
import { reconcileOnce, testNow } from '../../testing/reconcile-once.js';
import { brokerFixture, brokerReference, summary, testResolver } from '../../testing/fixtures.js';
import type { Deployment } from '../deployment-availability.js';
import { SourceEventTypes } from '../eventtype/source-event-types.js';
import { AccessReviews, type AccessCheck } from './access-reviews.js';
import { ApiServerSourceReconciler } from './reconciler.js';
import { makeReceiveAdapter } from './resources/make-receive-adapter.js';

const sink = { ref: { apiVersion: 'v1', kind: 'Service', name: 'display' } };
function source(spec: Partial<ApiServerSourceSpec> = {}): ApiServerSource {
  return {
    apiVersion: 'sources.knative.dev/v1',
    kind: 'ApiServerSource',
    metadata: { namespace: 'demo', name: 'src', uid: 'src-uid', generation: 1 },
    spec: {
      mode: 'Resource',
      serviceAccountName: 'watcher',
      resources: [{ apiVersion: 'v1', kind: 'ConfigMap' }],
      sink,
      ...spec,
    },
  };
}
const namespace = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});
const depName = 'apiserversource-src-src-uid';
const adapterRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'demo', name: depName };
const sourceRef = {
  apiVersion: 'sources.knative.dev/v1',
  kind: 'ApiServerSource',
  namespace: 'demo',
  name: 'src',
};
const expectedAdapter = (s = source()) =>
  makeReceiveAdapter({
    image: 'adapter:test',
    source: s,
    sinkUri: 'http://display.demo.svc.cluster.local',
    namespaces: ['demo'],
    allNamespaces: false,
    systemNamespace: 'knative-eventing',
  });
const available = (d: Deployment, status = 'True'): Deployment => ({
  ...d,
  status: { conditions: [{ type: 'Available', status, reason: 'MinimumReplicasAvailable' }] },
});

/** Allows everything except the (namespace, verb) pairs listed. */
const denyOnly =
  (...denied: string[]) =>
  (c: AccessCheck) =>
    !denied.includes(`${c.namespace}/${c.verb}`);

function run(objects: KubeObject[], answer: (c: AccessCheck) => boolean = () => true) {
  const checks: AccessCheck[] = [];
  const reviews = new AccessReviews({
    review: async (c) => {
      checks.push(c);
      return answer(c);
    },
  });
  return reconcileOnce<ApiServerSource>({
    objects,
    apiVersion: 'sources.knative.dev/v1',
    kind: 'ApiServerSource',
    key: 'demo/src',
    reconciler: ({ client, references }) =>
      new ApiServerSourceReconciler({
        client,
        references,
        resolver: testResolver(references),
        reviews,
        adapterImage: 'adapter:test',
        systemNamespace: 'knative-eventing',
        ceSource: 'https://127.0.0.1:6443',
        eventTypes: new SourceEventTypes({ client, references }),
        now: () => testNow,
      }),
  }).then((r) => ({ ...r, checks }));
}

const rows = [
  {
    name: 'creates the adapter Deployment; Deployed waits for its availability',
    objects: [source()],
    wantActions: ['create Deployment demo/' + depName, 'updateStatus ApiServerSource demo/src'],
    wantEvents: ['Normal ApiServerSourceDeploymentCreated Deployment created'],
    wantConditions: {
      Deployed: 'Unknown DeploymentUnavailable',
      OIDCIdentityCreated: 'True authentication-oidc feature disabled',
      Ready: 'Unknown DeploymentUnavailable',
      SinkProvided: 'True',
      SufficientPermissions: 'True',
    },
  },
  {
    name: 'an available adapter makes the source Ready',
    objects: [source(), available(expectedAdapter())],
    wantActions: ['updateStatus ApiServerSource demo/src'],
    wantEvents: [],
    wantConditions: {
      Deployed: 'True',
      OIDCIdentityCreated: 'True authentication-oidc feature disabled',
      Ready: 'True',
      SinkProvided: 'True',
      SufficientPermissions: 'True',
    },
  },
  {
    name: 'an unavailable adapter is reported with the Deployment reason',
    objects: [source(), available(expectedAdapter(), 'False')],
    wantActions: ['updateStatus ApiServerSource demo/src'],
    wantEvents: [],
    wantConditions: {
      Deployed: 'False MinimumReplicasAvailable',
      OIDCIdentityCreated: 'True authentication-oidc feature disabled',
      Ready: 'False MinimumReplicasAvailable',
      SinkProvided: 'True',
      SufficientPermissions: 'True',
    },
  },
  {
    name: 'a ServiceAccount without watch is SufficientPermissions=False and gets no adapter',
    objects: [source()],
    answer: denyOnly('demo/watch'),
    wantActions: ['updateStatus ApiServerSource demo/src'],
    wantEvents: [
      'Warning InsufficientPermissions insufficient permissions: User system:serviceaccount:demo:watcher cannot watch resource "configmaps" in API group "" in Namespace "demo"',
    ],
    wantConditions: {
      Deployed: 'Unknown',
      OIDCIdentityCreated: 'True authentication-oidc feature disabled',
      Ready: 'False InsufficientPermissions',
      SinkProvided: 'True',
      SufficientPermissions: 'False InsufficientPermissions',
    },
  },
  {
    name: 'a drifted adapter is updated',
    objects: [
      source(),
      (() => {
        const d = available(expectedAdapter());
        const c = (d.spec?.template?.spec?.['containers'] as Array<{ image: string }>)[0];
        if (c) c.image = 'old:image';
        return d;
      })(),
    ],
    wantActions: ['update Deployment demo/' + depName, 'updateStatus ApiServerSource demo/src'],
    wantEvents: [`Normal ApiServerSourceDeploymentUpdated Deployment "${depName}" updated`],
    wantConditions: {
      Deployed: 'True',
      OIDCIdentityCreated: 'True authentication-oidc feature disabled',
      Ready: 'True',
      SinkProvided: 'True',
      SufficientPermissions: 'True',
    },
  },
  {
    name: 'refuses a Deployment it does not own',
    objects: [
      source(),
      { ...expectedAdapter(), metadata: { ...expectedAdapter().metadata, ownerReferences: [] } },
    ],
    wantActions: ['updateStatus ApiServerSource demo/src'],
    wantEvents: [
      `Warning InternalError deployment "${depName}" is not owned by ApiServerSource "src"`,
    ],
    wantConditions: {
      Deployed: 'Unknown',
      OIDCIdentityCreated: 'True authentication-oidc feature disabled',
      Ready: 'Unknown',
      SinkProvided: 'True',
      SufficientPermissions: 'True',
    },
  },
  {
    name: 'an unresolvable sink fails SinkProvided',
    objects: [
      source({
        sink: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'gone' } },
      }),
    ],
    wantActions: ['updateStatus ApiServerSource demo/src'],
    wantEvents: [
      'Warning SinkNotFound Sink not found: {"ref":{"apiVersion":"serving.knative.dev/v1","kind":"Service","name":"gone","namespace":"demo"}}',
    ],
    wantConditions: {
      Deployed: 'Unknown',
      OIDCIdentityCreated: 'True authentication-oidc feature disabled',
      Ready: 'False NotFound',
      SinkProvided: 'False NotFound',
      SufficientPermissions: 'Unknown',
    },
  },
  {
    name: 'a source without resources is invalid',
    objects: [source({ resources: [] })],
    wantActions: ['updateStatus ApiServerSource demo/src'],
    wantEvents: ['Warning InvalidSpec missing field(s): spec.resources'],
    wantConditions: {
      Deployed: 'Unknown',
      OIDCIdentityCreated: 'Unknown',
      Ready: 'False InvalidSpec',
      SinkProvided: 'Unknown',
      SufficientPermissions: 'Unknown',
    },
  },
];

const display: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: 'demo', name: 'display' },
};

describe('ApiServerSourceReconciler', () => {
  it.each(rows)('$name', async (row) => {
    const { actions, events, client } = await run([...row.objects, display], row.answer);
    expect(actions).toEqual(row.wantActions);
    expect(events).toEqual(row.wantEvents);
    const got = client.peek<ApiServerSource>(sourceRef);
    expect(summary(got?.status?.conditions)).toEqual(row.wantConditions);
  });

  it('writes sinkUri, namespaces and the ceAttributes of its mode', async () => {
    const { client } = await run([source({ mode: 'Reference' }), display]);
    const status = client.peek<ApiServerSource>(sourceRef)?.status;
    expect(status?.sinkUri).toBe('http://display.demo.svc.cluster.local');
    expect(status?.namespaces).toEqual(['demo']);
    expect(status?.ceAttributes).toEqual(
      ['add', 'update', 'delete'].map((c) => ({
        type: `dev.knative.apiserver.ref.${c}`,
        source: 'https://127.0.0.1:6443',
      })),
    );
  });

  it('registers the types of its mode as EventTypes it owns when the sink is a Broker', async () => {
    const brokerRef = brokerReference;
    const broker = brokerFixture({
      status: { address: { url: 'http://broker-ingress.knative-eventing.svc/demo/default' } },
    });
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        name: 'apiserversources.sources.knative.dev',
        annotations: {
          'registry.knative.dev/eventTypes': JSON.stringify(
            ['add', 'update', 'delete'].map((c) => ({
              type: `dev.knative.apiserver.resource.${c}`,
              description: `${c} of a watched resource`,
            })),
          ),
        },
      },
    } as KubeObject;
    const { actions, bodies } = await run([source({ sink: { ref: brokerRef } }), broker, crd]);
    const created = bodies.filter((b) => (b as KubeObject).kind === 'EventType') as Array<
      KubeObject & { spec: { reference: unknown; description: string; attributes: unknown[] } }
    >;
    expect(actions.filter((a) => a.startsWith('create EventType'))).toHaveLength(3);
    expect(created.map((et) => et.spec.description).sort()).toEqual([
      'add of a watched resource',
      'delete of a watched resource',
      'update of a watched resource',
    ]);
    for (const et of created) {
      expect(et.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'ApiServerSource', name: 'src', controller: true }),
      ]);
      expect(et.spec.reference).toEqual({ ...brokerRef, namespace: 'demo' });
      expect(et.spec.attributes).toContainEqual({
        name: 'source',
        required: true,
        value: 'https://127.0.0.1:6443',
      });
    }
  });

  it('checks get, list and watch in every namespace the selector picks, naming each gap', async () => {
    const s = source({
      namespaceSelector: { matchLabels: { team: 'a' } },
      resources: [
        { apiVersion: 'v1', kind: 'ConfigMap' },
        { apiVersion: 'apps/v1', kind: 'Deployment' },
      ],
    });
    const objects = [
      s,
      display,
      namespace('a1', { team: 'a' }),
      namespace('a2', { team: 'a' }),
      namespace('b', { team: 'b' }),
    ];
    const { checks, client } = await run(objects, denyOnly('a2/list', 'a2/watch'));
    expect(checks).toHaveLength(2 * 2 * 3);
    const status = client.peek<ApiServerSource>(sourceRef)?.status;
    expect(status?.namespaces).toEqual(['a1', 'a2']);
    expect(status?.conditions?.find((c) => c.type === 'SufficientPermissions')?.message).toBe(
      'User system:serviceaccount:demo:watcher cannot list, watch resource "configmaps" in API group "" in Namespace "a2", list, watch resource "deployments" in API group "apps" in Namespace "a2"',
    );
  });

  it('asks for cluster-wide access when the empty selector picks every namespace', async () => {
    const s = source({ namespaceSelector: {} });
    const { checks, bodies } = await run([s, display, namespace('demo'), namespace('x')]);
    expect(new Set(checks.map((c) => c.namespace))).toEqual(new Set(['']));
    const env = (
      bodies[0] as {
        spec: {
          template: {
            spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> };
          };
        };
      }
    ).spec.template.spec.containers[0]?.env;
    const config = JSON.parse(env?.find((e) => e.name === 'K_SOURCE_CONFIG')?.value ?? '{}');
    expect(config).toMatchObject({ allNamespaces: true, namespaces: ['demo', 'x'] });
  });

  it('runs the adapter as the source ServiceAccount with the Knative environment', async () => {
    const { bodies } = await run([source({ ceOverrides: { extensions: { team: 'x' } } }), display]);
    const d = bodies[0] as Deployment;
    expect(d.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'ApiServerSource',
      uid: 'src-uid',
    });
    const pod = d.spec?.template?.spec as {
      serviceAccountName: string;
      containers: Array<{ image: string; env: Array<{ name: string; value?: string }> }>;
    };
    expect(pod.serviceAccountName).toBe('watcher');
    expect(pod.containers[0]?.image).toBe('adapter:test');
    const env = Object.fromEntries(pod.containers[0]?.env.map((e) => [e.name, e.value]) ?? []);
    expect(env['K_SINK']).toBe('http://display.demo.svc.cluster.local');
    expect(env['K_CE_OVERRIDES']).toBe('{"extensions":{"team":"x"}}');
    expect(JSON.parse(env['K_SOURCE_CONFIG'] ?? '')).toMatchObject({
      namespaces: ['demo'],
      mode: 'Resource',
      resources: [{ gvr: { Group: '', Version: 'v1', Resource: 'configmaps' } }],
    });
  });

  it('is idempotent once the adapter runs', async () => {
    const first = await run([source(), display, available(expectedAdapter())]);
    const settled = first.client.peek<ApiServerSource>(sourceRef) as ApiServerSource;
    const again = await run([settled, display, available(expectedAdapter())]);
    expect(again.actions).toEqual([]);
    expect(again.events).toEqual([]);
    expect(again.outcome).toEqual({ result: 'requeueAfter', ms: 600_000 });
  });

  it('reports a known permission gap once, then re-checks on a timer', async () => {
    const first = await run([source(), display], denyOnly('demo/watch'));
    const settled = first.client.peek<ApiServerSource>(sourceRef) as ApiServerSource;
    const again = await run([settled, display], denyOnly('demo/watch'));
    expect(again.events).toEqual([]);
    expect(again.outcome).toEqual({ result: 'requeueAfter', ms: 30_000 });
    expect(again.client.peek(adapterRef)).toBeUndefined();
  });
});
