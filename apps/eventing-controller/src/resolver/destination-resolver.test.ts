import type { KubeObject } from '@knative-ts/kube';
import { FakeKubeClient } from '@knative-ts/kube/testing';
import type { Destination } from '@knative-ts/types';
import { liveReferences } from '../references/references.js';
import { DestinationResolver, isEmptyDestination } from './destination-resolver.js';

const ns = 'demo';
const addressable = (kind: string, name: string, status: object): KubeObject => ({
  apiVersion: 'eventing.knative.dev/v1',
  kind,
  metadata: { namespace: ns, name },
  status,
});
const objects = [
  addressable('Broker', 'default', {
    address: { url: 'http://broker-ingress.knative-eventing.svc.cluster.local/demo/default' },
  }),
  addressable('Broker', 'unready', {}),
  addressable('Broker', 'named', {
    address: { name: 'https', url: 'https://b.example' },
    addresses: [
      { name: 'http', url: 'http://b.example' },
      { name: 'https', url: 'https://b.example', CACerts: 'CA' },
    ],
  }),
  addressable('Broker', 'first', { addresses: [{ name: 'http', url: 'http://first.example' }] }),
  addressable('Broker', 'no-url', { address: { name: 'http' } }),
];

const broker = (name: string) => ({ apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name });
const service = { apiVersion: 'v1', kind: 'Service', name: 'svc' };

const rows: Array<{ name: string; dest: Destination; want?: object; wantError?: string }> = [
  {
    name: 'core Service ref → cluster URL without a trailing slash',
    dest: { ref: service },
    want: { url: 'http://svc.demo.svc.cluster.local' },
  },
  {
    name: 'core Service ref in another namespace',
    dest: { ref: { ...service, namespace: 'other' } },
    want: { url: 'http://svc.other.svc.cluster.local' },
  },
  {
    name: 'ref + relative uri is appended as a path',
    dest: { ref: service, uri: '/extra/path' },
    want: { url: 'http://svc.demo.svc.cluster.local/extra/path' },
  },
  {
    name: 'ref + absolute uri is refused',
    dest: { ref: service, uri: 'http://elsewhere' },
    wantError: 'absolute URI is not allowed when Ref or [apiVersion, kind, name] exists',
  },
  {
    name: 'addressable ref → status.address.url',
    dest: { ref: broker('default') },
    want: { url: 'http://broker-ingress.knative-eventing.svc.cluster.local/demo/default' },
  },
  {
    name: 'addressable with addresses → the one named like status.address',
    dest: { ref: broker('named') },
    want: { url: 'https://b.example', CACerts: 'CA' },
  },
  {
    name: 'addresses without address → the first one',
    dest: { ref: broker('first') },
    want: { url: 'http://first.example' },
  },
  {
    name: 'missing object',
    dest: { ref: broker('nope') },
    wantError: 'failed to get object demo/nope: brokers.eventing.knative.dev "nope" not found',
  },
  {
    name: 'object without address',
    dest: { ref: broker('unready') },
    wantError: 'address not set for Broker.eventing.knative.dev demo/unready',
  },
  {
    name: 'address without url',
    dest: { ref: broker('no-url') },
    wantError: 'URL missing in address of Broker.eventing.knative.dev demo/no-url',
  },
  {
    name: 'absolute uri',
    dest: { uri: 'https://example.com/hook', audience: 'aud' },
    want: { url: 'https://example.com/hook', audience: 'aud' },
  },
  {
    name: 'relative uri alone is refused',
    dest: { uri: '/hook' },
    wantError: 'URI is not absolute (both scheme and host should be non-empty): "/hook"',
  },
  {
    name: 'empty destination',
    dest: {},
    wantError: 'destination missing Ref and URI, expected at least one',
  },
];

describe('DestinationResolver', () => {
  it.each(rows)('$name', async ({ dest, want, wantError }) => {
    const refs = liveReferences(new FakeKubeClient({ objects }));
    const resolver = new DestinationResolver({ references: refs, clusterDomain: 'cluster.local' });
    const result = resolver.address(dest, ns, 'demo/owner');
    if (wantError) await expect(result).rejects.toThrow(wantError);
    else await expect(result).resolves.toEqual(want);
  });

  it('tracks every addressable ref it reads, but not core Services', async () => {
    const refs = liveReferences(new FakeKubeClient({ objects }));
    const resolver = new DestinationResolver({ references: refs, clusterDomain: 'cluster.local' });
    await resolver.uri({ ref: service }, ns, 'demo/owner');
    await resolver.uri({ ref: broker('nope') }, ns, 'demo/owner').catch(() => undefined);
    expect(refs.tracked).toEqual(['Broker.eventing.knative.dev demo/nope <- demo/owner']);
  });

  it('uses the configured cluster domain', async () => {
    const refs = liveReferences(new FakeKubeClient());
    const resolver = new DestinationResolver({ references: refs, clusterDomain: 'corp.example' });
    await expect(resolver.uri({ ref: service }, ns, 'k')).resolves.toBe(
      'http://svc.demo.svc.corp.example',
    );
  });

  it.each([
    [undefined, true],
    [{}, true],
    [{ uri: 'http://x' }, false],
    [{ ref: service }, false],
  ])('isEmptyDestination(%j) is %s', (d, want) => {
    expect(isEmptyDestination(d)).toBe(want);
  });
});
