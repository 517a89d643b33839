import type { ContainerSource } from '@knative-ts/types';
import { makeDeployment, makeSinkBinding } from './make-children.js';

const source: ContainerSource = {
  apiVersion: 'sources.knative.dev/v1',
  kind: 'ContainerSource',
  metadata: { namespace: 'demo', name: 'heartbeats', uid: 'cs-uid' },
  spec: {
    template: {
      metadata: { labels: { app: 'hb' } },
      spec: { containers: [{ name: 'hb', image: 'heartbeats', args: ['--period=1'] }] },
    },
    sink: { ref: { apiVersion: 'v1', kind: 'Service', name: 'display', namespace: 'demo' } },
    ceOverrides: { extensions: { a: 'b' } },
  },
};
const owner = {
  apiVersion: 'sources.knative.dev/v1',
  kind: 'ContainerSource',
  name: 'heartbeats',
  uid: 'cs-uid',
  controller: true,
  blockOwnerDeletion: true,
};

describe('ContainerSource children', () => {
  it('runs the template as <name>-deployment with the source labels', () => {
    const labels = {
      app: 'hb',
      'sources.knative.dev/source': 'container-source-controller',
      'sources.knative.dev/containerSource': 'heartbeats',
    };
    expect(makeDeployment(source)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        namespace: 'demo',
        name: 'heartbeats-deployment',
        labels,
        ownerReferences: [owner],
      },
      spec: {
        selector: {
          matchLabels: {
            'sources.knative.dev/source': 'container-source-controller',
            'sources.knative.dev/containerSource': 'heartbeats',
          },
        },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'hb', image: 'heartbeats', args: ['--period=1'] }] },
        },
      },
    });
  });

  it('binds that Deployment to the sink with <name>-sinkbinding', () => {
    expect(makeSinkBinding(source)).toEqual({
      apiVersion: 'sources.knative.dev/v1',
      kind: 'SinkBinding',
      metadata: { namespace: 'demo', name: 'heartbeats-sinkbinding', ownerReferences: [owner] },
      spec: {
        sink: source.spec.sink,
        ceOverrides: { extensions: { a: 'b' } },
        subject: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'demo',
          name: 'heartbeats-deployment',
        },
      },
    });
  });
});
