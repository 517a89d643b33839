import { UndiciTransport } from '@knative-ts/delivery';
import { KubeError, KubeErrorCode, type KubeObject } from '@knative-ts/kube';
import { FakeKubeClient } from '@knative-ts/kube/testing';
import { createLogger } from '@knative-ts/runtime';
import type { InMemoryChannel } from '@knative-ts/types';
import { compileChannel } from './channel-config.js';
import { ChannelWatcher } from './channel-watcher.js';
import { StatusWriter, subscriberStatuses } from './status-writer.js';

const log = createLogger({ component: 'test', level: 'silent' });
const ref = {
  apiVersion: 'messaging.knative.dev/v1',
  kind: 'InMemoryChannel',
  namespace: 'ns',
  name: 'ch',
};

function imc(status: InMemoryChannel['status'] = {}): InMemoryChannel {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { namespace: 'ns', name: 'ch' },
    spec: {
      subscribers: [
        { uid: 'u1', generation: 3, subscriberUri: 'http://a/' },
        { uid: 'u2', generation: 1 },
      ],
    },
    status,
  };
}

const desired = [
  { uid: 'u1', observedGeneration: 3, ready: 'True' },
  { uid: 'u2', observedGeneration: 1, ready: 'False', message: 'subscriber has no subscriberUri' },
];

describe('subscriberStatuses', () => {
  it('reports every loaded subscriber ready, in spec order', () => {
    const channel = imc();
    expect(subscriberStatuses(channel, compileChannel(channel, 'cluster.local'))).toEqual(desired);
  });
});

describe('StatusWriter', () => {
  const setup = (initial: InMemoryChannel) => {
    const client = new FakeKubeClient({ objects: [initial as KubeObject] });
    let latest = initial;
    const writer = new StatusWriter({
      client,
      log,
      lookup: () => ({ imc: latest, config: compileChannel(latest, 'cluster.local') }),
    });
    const refresh = async () => {
      latest = await client.get<InMemoryChannel>(ref);
    };
    return { client, writer, refresh };
  };

  it('writes status.subscribers, keeping the rest of the status', async () => {
    const { client, writer, refresh } = setup(
      imc({ conditions: [{ type: 'Ready', status: 'True' }] }),
    );
    await refresh();
    expect(await writer.write('ns/ch')).toBe('written');
    const written = await client.get<InMemoryChannel>(ref);
    expect(written.status).toEqual({
      conditions: [{ type: 'Ready', status: 'True' }],
      subscribers: desired,
    });
  });

  it('does not write when nothing changed', async () => {
    const { client, writer, refresh } = setup(imc({ subscribers: desired as never }));
    await refresh();
    client.clearActions();
    expect(await writer.write('ns/ch')).toBe('unchanged');
    expect(client.mutations()).toEqual([]);
  });

  it('patches only status.subscribers, so a status write in between does not conflict', async () => {
    const { client, writer, refresh } = setup(imc());
    await refresh();
    // The controller writes the channel's conditions after the dispatcher read it.
    const current = await client.get<InMemoryChannel>(ref);
    await client.updateStatus({
      ...current,
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
    client.clearActions();
    expect(await writer.write('ns/ch')).toBe('written');
    expect(client.mutations().map((a) => [a.verb, a.body])).toEqual([
      ['patchStatus', { status: { subscribers: desired } }],
    ]);
    expect((await client.get<InMemoryChannel>(ref)).status).toEqual({
      conditions: [{ type: 'Ready', status: 'True' }],
      subscribers: desired,
    });
  });

  it('asks for a retry when the write fails, and lets a deleted channel go', async () => {
    const { client, writer, refresh } = setup(imc());
    await refresh();
    client.prependReactor(
      'patchStatus',
      'InMemoryChannel',
      () =>
        new KubeError(KubeErrorCode.Api, 503, 'ServiceUnavailable', 'etcd leader changed', {
          verb: 'patchStatus',
        }),
    );
    expect(await writer.write('ns/ch')).toBe('retry');
    const gone = setup(imc());
    await gone.refresh();
    await gone.client.delete(ref);
    expect(await gone.writer.write('ns/ch')).toBe('gone');
  });
});

describe('ChannelWatcher', () => {
  it('loads channels from the informer, routes them and writes their subscriber status', async () => {
    const client = new FakeKubeClient({ objects: [imc() as KubeObject] });
    const transport = new UndiciTransport();
    const watcher = new ChannelWatcher({
      client,
      transport,
      clusterDomain: 'cluster.local',
      observer: () => () => undefined,
      log,
    });
    try {
      expect(watcher.ready()).toBe(false);
      watcher.start();
      await watcher.informer.waitForSync();
      expect(watcher.ready()).toBe(true);
      const route = watcher.table.route('ch-kn-channel.ns.svc.cluster.local', '/');
      expect(route.kind === 'found' && route.channel.subscribers.map((s) => s.uid)).toEqual(['u1']);
      await waitFor(async () => (await client.get<InMemoryChannel>(ref)).status?.subscribers);
      expect((await client.get<InMemoryChannel>(ref)).status?.subscribers).toEqual(desired);
      // Our own status write comes back through the watch: it must not cause another write.
      await new Promise((r) => setTimeout(r, 100));
      expect(client.mutations().filter((a) => a.verb === 'patchStatus')).toHaveLength(1);

      await client.delete(ref);
      await waitFor(async () => watcher.table.size === 0 || undefined);
    } finally {
      await watcher.stop();
      await transport.close();
    }
  });
});

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
