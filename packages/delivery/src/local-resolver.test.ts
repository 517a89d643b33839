import { FakeKubeClient } from '@knative-ts/kube/testing';
import { DeliveryError } from './errors.js';
import { LocalResolver } from './local-resolver.js';
import { externalName, localSlice, service } from './testing/local-registration.js';

describe('LocalResolver', () => {
  const objects = [
    service('sub', 'ns1'),
    localSlice('sub', 'ns1', 40001),
    service('imc-dispatcher', 'knative-eventing'),
    localSlice('imc-dispatcher', 'knative-eventing', 40002),
    externalName('ch-kn-channel', 'ns1', 'imc-dispatcher.knative-eventing.svc.cluster.local'),
    externalName('alias', 'ns2', 'ch-kn-channel.ns1.svc.cluster.local'),
    externalName('loop-a', 'ns3', 'loop-b.ns3.svc.cluster.local'),
    externalName('loop-b', 'ns3', 'loop-a.ns3.svc.cluster.local'),
    externalName('outside', 'ns3', 'example.com'),
    service('unregistered', 'ns1'),
    service('remote', 'ns1'),
    localSlice('remote', 'ns1', 40003, '10.0.0.7'),
    service('by-name', 'ns1'),
    localSlice('by-name', 'ns1', 40004, 'localhost'),
  ];

  it.each([
    [
      'service in the cluster domain',
      'http://sub.ns1.svc.cluster.local/a?b=1',
      'http://127.0.0.1:40001/a?b=1',
      'sub.ns1.svc.cluster.local',
    ],
    ['short .svc form', 'http://sub.ns1.svc/', 'http://127.0.0.1:40001/', 'sub.ns1.svc'],
    [
      'registration by the name localhost',
      'http://by-name.ns1.svc.cluster.local/',
      'http://127.0.0.1:40004/',
      'by-name.ns1.svc.cluster.local',
    ],
    [
      'ExternalName to the dispatcher',
      'http://ch-kn-channel.ns1.svc.cluster.local/',
      'http://127.0.0.1:40002/',
      'ch-kn-channel.ns1.svc.cluster.local',
    ],
    [
      'two ExternalName hops',
      'http://alias.ns2.svc.cluster.local/x',
      'http://127.0.0.1:40002/x',
      'alias.ns2.svc.cluster.local',
    ],
    [
      'non-cluster host unchanged',
      'http://example.com:8080/p',
      'http://example.com:8080/p',
      'example.com:8080',
    ],
    ['loopback unchanged', 'http://127.0.0.1:9/', 'http://127.0.0.1:9/', '127.0.0.1:9'],
  ])('%s', async (_name, url, connectUrl, hostHeader) => {
    const resolver = new LocalResolver({ kube: new FakeKubeClient({ objects }) });
    await expect(resolver.resolve(url)).resolves.toEqual({ connectUrl, hostHeader });
  });

  it.each([
    ['unknown Service', 'http://nope.ns1.svc.cluster.local/', /cannot read Service ns1\/nope/],
    ['no registration', 'http://unregistered.ns1.svc.cluster.local/', /no local endpoint/],
    ['endpoint not on loopback', 'http://remote.ns1.svc.cluster.local/', /no local endpoint/],
    ['ExternalName loop', 'http://loop-a.ns3.svc.cluster.local/', /ExternalName hops/],
    [
      'ExternalName leaving the cluster',
      'http://outside.ns3.svc.cluster.local/',
      /not a cluster Service/,
    ],
  ])('fails with DELIVERY_ERR_LOCAL_RESOLVE: %s', async (_name, url, message) => {
    const resolver = new LocalResolver({ kube: new FakeKubeClient({ objects }), maxHops: 4 });
    const err = await resolver.resolve(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({
      code: 'DELIVERY_ERR_LOCAL_RESOLVE',
      message: expect.stringMatching(message),
    });
  });

  it('caches briefly, and does not cache failures', async () => {
    let now = 0;
    const kube = new FakeKubeClient({ objects: [service('late', 'ns1')] });
    const resolver = new LocalResolver({ kube, cacheTtlMs: 1000, now: () => now });
    await expect(resolver.resolve('http://late.ns1.svc.cluster.local/')).rejects.toThrow(
      DeliveryError,
    );
    kube.seed(localSlice('late', 'ns1', 40005));
    await expect(resolver.resolve('http://late.ns1.svc.cluster.local/')).resolves.toMatchObject({
      connectUrl: 'http://127.0.0.1:40005/',
    });
    const gets = kube.actions.filter((a) => a.verb === 'get').length;
    now = 500;
    await resolver.resolve('http://late.ns1.svc.cluster.local/');
    expect(kube.actions.filter((a) => a.verb === 'get')).toHaveLength(gets);
    now = 1500;
    await resolver.resolve('http://late.ns1.svc.cluster.local/');
    expect(kube.actions.filter((a) => a.verb === 'get')).toHaveLength(gets + 1);
  });

  it('shares one lookup between the URLs of a Service, and drops them with it', async () => {
    let now = 0;
    const kube = new FakeKubeClient({
      objects: [service('multi', 'ns1'), localSlice('multi', 'ns1', 40007)],
    });
    const resolver = new LocalResolver({ kube, cacheTtlMs: 1000, now: () => now });
    const reads = (): number => kube.actions.length;
    const [a, b] = ['a/1', 'b/2?x=1'].map((p) => `http://multi.ns1.svc.cluster.local/${p}`);
    const connect = async (url = ''): Promise<string> => (await resolver.resolve(url)).connectUrl;
    expect(await connect(a)).toBe('http://127.0.0.1:40007/a/1');
    const afterLookup = reads();
    // A second URL of the same Service, later: it reuses the lookup, and its expiry.
    now = 500;
    expect(await connect(b)).toBe('http://127.0.0.1:40007/b/2?x=1');
    expect(reads()).toBe(afterLookup);
    kube.seed(localSlice('multi', 'ns1', 40008));
    now = 900;
    expect([await connect(a), await connect(b)]).toEqual([
      'http://127.0.0.1:40007/a/1',
      'http://127.0.0.1:40007/b/2?x=1',
    ]);
    // Past the lookup's expiry both URLs see the new port, though `b` was cached at 500.
    now = 1100;
    expect([await connect(a), await connect(b)]).toEqual([
      'http://127.0.0.1:40008/a/1',
      'http://127.0.0.1:40008/b/2?x=1',
    ]);
  });

  it('uses the cluster domain it is given', async () => {
    const kube = new FakeKubeClient({
      objects: [service('sub', 'ns1'), localSlice('sub', 'ns1', 40001)],
    });
    const resolver = new LocalResolver({ kube, clusterDomain: 'example.internal' });
    await expect(resolver.resolve('http://sub.ns1.svc.example.internal/')).resolves.toMatchObject({
      connectUrl: 'http://127.0.0.1:40001/',
    });
    await expect(resolver.resolve('http://sub.ns1.svc.cluster.local/')).resolves.toMatchObject({
      connectUrl: 'http://sub.ns1.svc.cluster.local/',
    });
  });
});
