import { apiError, KubeError } from './errors.js';
import { discoveryPath, RestMapper, type ApiResource } from './rest-mapper.js';

describe('discoveryPath', () => {
  it.each([
    { apiVersion: 'v1', want: '/api/v1' },
    { apiVersion: 'eventing.knative.dev/v1', want: '/apis/eventing.knative.dev/v1' },
  ])('$apiVersion → $want', ({ apiVersion, want }) => {
    expect(discoveryPath(apiVersion)).toBe(want);
  });
});

describe('RestMapper', () => {
  const brokers: ApiResource[] = [
    { name: 'brokers', kind: 'Broker', namespaced: true },
    { name: 'brokers/status', kind: 'Broker', namespaced: true },
  ];

  it('caches a group/version and refreshes it on a miss', async () => {
    const lists: ApiResource[][] = [
      brokers,
      [...brokers, { name: 'triggers', kind: 'Trigger', namespaced: true }],
    ];
    const calls: string[] = [];
    const mapper = new RestMapper(async (gv) => {
      calls.push(gv);
      return lists[Math.min(calls.length - 1, 1)] ?? [];
    });
    await expect(mapper.resolve('eventing.knative.dev/v1', 'Broker')).resolves.toEqual({
      plural: 'brokers',
      namespaced: true,
    });
    await mapper.resolve('eventing.knative.dev/v1', 'Broker');
    expect(calls).toHaveLength(1);
    await expect(mapper.resolve('eventing.knative.dev/v1', 'Trigger')).resolves.toEqual({
      plural: 'triggers',
      namespaced: true,
    });
    expect(calls).toHaveLength(2);
  });

  it('reports an unknown kind as a 404 KubeError, also for an unserved group', async () => {
    const mapper = new RestMapper(async () => {
      throw apiError(404, 'NotFound', 'the server could not find the requested resource', {
        verb: 'discover',
      });
    });
    const err = await mapper.resolve('nope.dev/v1', 'Thing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeError);
    expect(err).toMatchObject({ status: 404, code: 'KUBE_ERR_UNKNOWN_KIND' });
  });

  it('shares one discovery request between concurrent misses', async () => {
    let calls = 0;
    const mapper = new RestMapper(async () => {
      calls++;
      return brokers;
    });
    await Promise.all([mapper.resolve('e/v1', 'Broker'), mapper.resolve('e/v1', 'Broker')]);
    expect(calls).toBe(1);
  });
});
