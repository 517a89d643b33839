import type { InMemoryChannel } from '@knative-ts/types';
import { makeChannelService } from './make-channel-service.js';

const imc: InMemoryChannel = {
  apiVersion: 'messaging.knative.dev/v1',
  kind: 'InMemoryChannel',
  metadata: { namespace: 'demo', name: 'my-imc', uid: 'imc-uid' },
  spec: {},
};

describe('makeChannelService', () => {
  it.each([
    ['knative-eventing', 'cluster.local', 'imc-dispatcher.knative-eventing.svc.cluster.local'],
    ['sys', 'corp.example', 'imc-dispatcher.sys.svc.corp.example'],
  ])('points %s/%s at the dispatcher', (dispatcherNamespace, clusterDomain, externalName) => {
    expect(makeChannelService({ imc, dispatcherNamespace, clusterDomain })).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'my-imc-kn-channel',
        namespace: 'demo',
        labels: { 'messaging.knative.dev/role': 'in-memory-channel' },
        ownerReferences: [
          {
            apiVersion: 'messaging.knative.dev/v1',
            kind: 'InMemoryChannel',
            name: 'my-imc',
            uid: 'imc-uid',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: { type: 'ExternalName', externalName },
    });
  });
});
