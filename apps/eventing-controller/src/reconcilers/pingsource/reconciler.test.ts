import type { KubeObject } from '@knative-ts/kube';
import type { PingSource, PingSourceSpec } from '@knative-ts/types';
import { reconcileOnce, testNow } from '../../testing/reconcile-once.js';
import {
  brokerFixture,
  brokerReference,
  endpointSliceFixture,
  serviceFixture,
  summary,
  testResolver,
} from '../../testing/fixtures.js';
import { SourceEventTypes } from '../eventtype/source-event-types.js';
import { PingSourceReconciler } from './reconciler.js';

const system = 'knative-eventing';
const sink = { ref: { apiVersion: 'v1', kind: 'Service', name: 'display' } };
function source(spec: Partial<PingSourceSpec> = {}): PingSource {
  return {
    apiVersion: 'sources.knative.dev/v1',
    kind: 'PingSource',
    metadata: { namespace: 'demo', name: 'ping', uid: 'ping-uid', generation: 1 },
    spec: {
      schedule: '*/2 * * * *',
      data: '{"m":"hi"}',
      contentType: 'application/json',
      sink,
      ...spec,
    },
  };
}
const adapterService = serviceFixture('pingsource-mt-adapter');
const adapterSlice = (ready: boolean) => endpointSliceFixture('pingsource-mt-adapter', ready);
const adapter = [adapterService, adapterSlice(true)];

const rows = [
  {
    name: 'resolves the sink and is Ready with a running adapter',
    objects: [source(), ...adapter],
    wantConditions: {
      Deployed: 'True',
      OIDCIdentityCreated: 'True authentication-oidc feature disabled',
      Ready: 'True',
      SinkProvided: 'True',
    },
    wantEvents: [],
  },
  {
    name: 'Deployed waits for the adapter Service',
    objects: [source()],
    wantConditions: {
      Deployed: 'Unknown DeploymentUnavailable',
      OIDCIdentityCreated: 'True authentication-oidc feature disabled',
      Ready: 'Unknown DeploymentUnavailable',
      SinkProvided: 'True',
    },
    wantEvents: [],
  },
  {
    name: 'Deployed waits for a ready adapter endpoint',
    objects: [source(), adapterService, adapterSlice(false)],
    wantConditions: {
      Deployed: 'Unknown DeploymentUnavailable',
      OIDCIdentityCreated: 'True authentication-oidc feature disabled',
      Ready: 'Unknown DeploymentUnavailable',
      SinkProvided: 'True',
    },
    wantEvents: [],
  },
  {
    name: 'a sink that cannot be resolved fails SinkProvided',
    objects: [
      source({
        sink: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'gone' } },
      }),
      ...adapter,
    ],
    wantConditions: {
      Deployed: 'Unknown',
      OIDCIdentityCreated: 'Unknown',
      Ready: 'False NotFound',
      SinkProvided: 'False NotFound',
    },
    wantEvents: [
      'Warning SinkNotFound Sink not found: {"ref":{"apiVersion":"serving.knative.dev/v1","kind":"Service","name":"gone"}}',
    ],
  },
  {
    name: 'an invalid schedule is reported',
    objects: [source({ schedule: '61 * * * *' }), ...adapter],
    wantConditions: {
      Deployed: 'Unknown',
      OIDCIdentityCreated: 'Unknown',
      Ready: 'False InvalidSpec',
      SinkProvided: 'Unknown',
    },
    wantEvents: [
      expect.stringMatching(
        /^Warning InvalidSpec invalid value: 61 \* \* \* \*: spec.schedule/,
      ) as unknown as string,
    ],
  },
  {
    name: 'an unknown time zone is reported',
    objects: [source({ timezone: 'Mars/Olympus' }), ...adapter],
    wantConditions: {
      Deployed: 'Unknown',
      OIDCIdentityCreated: 'Unknown',
      Ready: 'False InvalidSpec',
      SinkProvided: 'Unknown',
    },
    wantEvents: [
      expect.stringMatching(/^Warning InvalidSpec .*spec.timezone/) as unknown as string,
    ],
  },
  {
    name: 'data that is not the JSON its content type announces is reported',
    objects: [source({ data: 'not json' }), ...adapter],
    wantConditions: {
      Deployed: 'Unknown',
      OIDCIdentityCreated: 'Unknown',
      Ready: 'False InvalidSpec',
      SinkProvided: 'Unknown',
    },
    wantEvents: [expect.stringMatching(/^Warning InvalidSpec .*spec.data/) as unknown as string],
  },
];

const run = (objects: KubeObject[]) =>
  reconcileOnce<PingSource>({
    objects,
    apiVersion: 'sources.knative.dev/v1',
    kind: 'PingSource',
    key: 'demo/ping',
    reconciler: ({ client, references }) =>
      new PingSourceReconciler({
        references,
        resolver: testResolver(references),
        systemNamespace: system,
        eventTypes: new SourceEventTypes({ client, references }),
        now: () => testNow,
      }),
  });
const ref = {
  apiVersion: 'sources.knative.dev/v1',
  kind: 'PingSource',
  namespace: 'demo',
  name: 'ping',
};

describe('PingSourceReconciler', () => {
  it.each(rows)('$name', async (row) => {
    const { actions, events, client } = await run(row.objects);
    expect(actions).toEqual(['updateStatus PingSource demo/ping']);
    expect(events).toEqual(row.wantEvents);
    expect(summary(client.peek<PingSource>(ref)?.status?.conditions)).toEqual(row.wantConditions);
  });

  it('writes sinkUri and the event type and source it emits', async () => {
    const { client } = await run([source(), ...adapter]);
    const status = client.peek<PingSource>(ref)?.status;
    expect(status?.sinkUri).toBe('http://display.demo.svc.cluster.local');
    expect(status?.ceAttributes).toEqual([
      { type: 'dev.knative.sources.ping', source: '/apis/v1/namespaces/demo/pingsources/ping' },
    ]);
  });

  it('is idempotent', async () => {
    const first = await run([source(), ...adapter]);
    const settled = first.client.peek<PingSource>(ref) as PingSource;
    expect((await run([settled, ...adapter])).actions).toEqual([]);
  });

  describe('registering its event type', () => {
    const brokerRef = brokerReference;
    const broker = brokerFixture({
      status: {
        address: { url: 'http://broker-ingress.knative-eventing.svc.cluster.local/demo/default' },
      },
    });
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        name: 'pingsources.sources.knative.dev',
        annotations: {
          'registry.knative.dev/eventTypes':
            '[{"type":"dev.knative.sources.ping","description":"fixed payloads on a schedule"}]',
        },
      },
    } as KubeObject;
    it('creates one EventType owned by the source when the sink is a Broker', async () => {
      const { actions, bodies } = await run([
        source({ sink: { ref: brokerRef } }),
        broker,
        crd,
        ...adapter,
      ]);
      expect(actions).toEqual([
        expect.stringMatching(/^create EventType demo\/[0-9a-f]{32}$/),
        'updateStatus PingSource demo/ping',
      ]);
      expect(bodies[0]).toMatchObject({
        apiVersion: 'eventing.knative.dev/v1beta3',
        metadata: {
          labels: { 'eventing.knative.dev/sourceName': 'ping' },
          ownerReferences: [
            {
              kind: 'PingSource',
              name: 'ping',
              uid: 'ping-uid',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: {
          reference: brokerRef,
          description: 'fixed payloads on a schedule',
          attributes: [
            { name: 'type', required: true, value: 'dev.knative.sources.ping' },
            { name: 'source', required: true, value: '/apis/v1/namespaces/demo/pingsources/ping' },
            { name: 'specversion', required: true, value: '1.0' },
            { name: 'id', required: true },
          ],
        },
      });
    });

    it('creates nothing more once registered', async () => {
      const first = await run([source({ sink: { ref: brokerRef } }), broker, crd, ...adapter]);
      const objects = first.client.list.bind(first.client);
      const all = [
        ...(await objects({ apiVersion: 'eventing.knative.dev/v1beta3', kind: 'EventType' })).items,
        first.client.peek<PingSource>(ref) as PingSource,
      ];
      expect((await run([...all, broker, crd, ...adapter])).actions).toEqual([]);
    });

    it('deletes its EventType when the sink stops being a Broker', async () => {
      const first = await run([source({ sink: { ref: brokerRef } }), broker, crd, ...adapter]);
      const [et] = (
        await first.client.list({ apiVersion: 'eventing.knative.dev/v1beta3', kind: 'EventType' })
      ).items;
      const { actions } = await run([source(), et as KubeObject, crd, ...adapter]);
      expect(actions).toEqual([
        `delete EventType demo/${et?.metadata.name ?? ''}`,
        'updateStatus PingSource demo/ping',
      ]);
    });
  });
});
