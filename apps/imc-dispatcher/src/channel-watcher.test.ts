import {
  encodeBrokerFilterError,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
} from '@knative-ts/delivery';
import type { KubeClient } from '@knative-ts/kube';
import type { Informer } from '@knative-ts/reconciler';
import { createLogger } from '@knative-ts/runtime';
import type { InMemoryChannel } from '@knative-ts/types';
import { ChannelWatcher } from './channel-watcher.js';
import { fanOut } from './fanout.js';

// A trigger's dead letter names the subscriber behind broker-filter, for broker-filter
// in whatever system namespace the dispatcher runs with (not only knative-eventing).

const filterUrl = 'http://broker-filter.my-system.svc.cluster.local/triggers/ns/t/uid-1';
const subscriberUrl = 'http://sub.ns.svc.cluster.local';
const dlsUrl = 'http://dls.ns.svc.cluster.local';

/** broker-filter answers 500 with its error body; every other destination 202. */
function transport(): HttpTransport & { sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  return {
    sent,
    post(req: HttpRequest): Promise<HttpResponse> {
      sent.push(req);
      if (req.url === filterUrl) {
        const body = encodeBrokerFilterError(subscriberUrl, new TextEncoder().encode('boom'));
        return Promise.resolve({ status: 500, headers: {}, body });
      }
      return Promise.resolve({ status: 202, headers: {}, body: new Uint8Array() });
    },
    close: () => Promise.resolve(),
  };
}

function watcher(t: HttpTransport, brokerFilterHost?: string): ChannelWatcher {
  const informer = {
    addEventHandler: () => undefined,
    cache: { get: () => undefined },
  } as unknown as Informer<InMemoryChannel>;
  return new ChannelWatcher({
    client: {} as KubeClient,
    transport: t,
    clusterDomain: 'cluster.local',
    ...(brokerFilterHost === undefined ? {} : { brokerFilterHost }),
    observer: () => () => undefined,
    log: createLogger({ component: 'test', level: 'silent' }),
    informer,
  });
}

const imc: InMemoryChannel = {
  apiVersion: 'messaging.knative.dev/v1',
  kind: 'InMemoryChannel',
  metadata: { namespace: 'ns', name: 'default-kne-trigger' },
  spec: {
    subscribers: [
      {
        uid: 'u1',
        generation: 1,
        subscriberUri: filterUrl,
        delivery: { deadLetterSink: { uri: dlsUrl } },
      },
    ],
  },
};
const event = {
  attributes: { specversion: '1.0', id: 'e1', source: '/s', type: 't' },
  data: new TextEncoder().encode('x'),
};

async function deadLetterHeaders(brokerFilterHost?: string): Promise<Record<string, string>> {
  const t = transport();
  const w = watcher(t, brokerFilterHost);
  w.load(imc);
  const entry = w.table.get('ns', 'default-kne-trigger');
  if (!entry) throw new Error('channel not loaded');
  expect((await fanOut(entry, event, {})).ok).toBe(true);
  const dead = t.sent.find((r) => r.url === dlsUrl);
  if (!dead) throw new Error('nothing dead-lettered');
  return dead.headers;
}

describe('ChannelWatcher dead letters behind broker-filter', () => {
  it("unwraps broker-filter's error body for the configured broker-filter host", async () => {
    expect(await deadLetterHeaders('broker-filter.my-system.svc.cluster.local')).toMatchObject({
      'ce-knativeerrordest': subscriberUrl,
      'ce-knativeerrorcode': '500',
      'ce-knativeerrordata': Buffer.from('boom').toString('base64'),
    });
  });

  it('reports broker-filter itself for another host (the knative-eventing default)', async () => {
    expect((await deadLetterHeaders())['ce-knativeerrordest']).toBe(filterUrl);
  });
});
