import type { Broker } from '@knative-ts/types';
import { BrokerTable, compileBroker } from './broker-table.js';

const broker = (annotations?: Record<string, string>): Broker => ({
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Broker',
  metadata: { namespace: 'ns', name: 'b' },
  spec: {},
  ...(annotations ? { status: { annotations } } : {}),
});

describe('compileBroker', () => {
  it.each([
    ['no status', undefined, undefined, undefined],
    ['no channel address yet', {}, undefined, undefined],
    [
      'a channel address',
      { 'knative.dev/channelAddress': 'http://b-kne-trigger-kn-channel.ns.svc.cluster.local' },
      'http://b-kne-trigger-kn-channel.ns.svc.cluster.local',
      undefined,
    ],
    ['a relative address', { 'knative.dev/channelAddress': '/x' }, undefined, 'not an absolute'],
    ['another scheme', { 'knative.dev/channelAddress': 'ftp://x/' }, undefined, 'not an absolute'],
  ])('%s', (_name, annotations, address, problem) => {
    const { entry, problem: got } = compileBroker(broker(annotations));
    expect(entry).toMatchObject({ namespace: 'ns', name: 'b' });
    expect(entry.channelAddress).toBe(address);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(problem);
  });
});

describe('BrokerTable', () => {
  it('stores, replaces and deletes by namespace/name', () => {
    const table = new BrokerTable();
    table.set({ namespace: 'ns', name: 'b' });
    table.set({ namespace: 'ns', name: 'b', channelAddress: 'http://c/' });
    expect(table.get('ns', 'b')?.channelAddress).toBe('http://c/');
    expect(table.get('other', 'b')).toBeUndefined();
    table.delete('ns', 'b');
    expect(table.size).toBe(0);
  });
});
