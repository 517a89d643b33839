import { channelContract, resolveKind, type ContractKind } from './channel-contract.js';
import { installedChannelKinds } from './channel-kinds.js';

// One line per channel kind: what the channel data-plane contract may assume of it. A new
// kind gets the whole suite by adding its line here (its app must declare the kind in its
// package.json, `"knative-ts": {"channel": {...}}`).
const ordered = { annotations: { 'nats.eventing.knative.dev/delivery.order': 'ordered' } };
const jetStream = {
  accepts: 'when-stored',
  ordered,
  spec: { consumerConfigTemplate: { ackWait: '5s' } },
} as const;
const kinds: ContractKind[] = [
  { kind: 'InMemoryChannel', accepts: 'after-delivery', ordered: 'always' },
  // One partition: ordered delivery is per partition, and the suite's events have no key.
  { kind: 'KafkaChannel', accepts: 'when-stored', ordered: 'always', spec: { numPartitions: 1 } },
  { kind: 'NatssChannel', ...jetStream },
  { kind: 'NatsJetStreamChannel', app: 'natss-channel-dispatcher', ...jetStream },
];

describe('channel contract lines', () => {
  it('has a line for every channel kind an app serves', () => {
    const lines = new Set(kinds.map((k) => k.kind));
    expect(installedChannelKinds().filter((k) => !lines.has(k.kind))).toEqual([]);
    for (const line of kinds) expect(resolveKind(line).app).toBeTruthy();
  });
});

for (const line of kinds) channelContract(line);
