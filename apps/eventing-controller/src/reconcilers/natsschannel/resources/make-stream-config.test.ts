import type { NatssChannel } from '@knative-ts/types';
import { makeStreamConfig, streamDrift, type DesiredStream } from './make-stream-config.js';

const channel = (spec: NatssChannel['spec'] = {}): NatssChannel => ({
  apiVersion: 'messaging.knative.dev/v1alpha1',
  kind: 'NatsJetStreamChannel',
  metadata: { namespace: 'my-ns', name: 'my-channel' },
  spec,
});

const defaults: DesiredStream = {
  name: 'KN_MY_NS__MY_CHANNEL',
  subjects: ['my-ns.my-channel._knative'],
  retention: 'limits',
  max_consumers: -1,
  max_msgs: -1,
  max_bytes: -1,
  discard: 'old',
  max_age: 0,
  max_msg_size: -1,
  storage: 'file',
  num_replicas: 1,
  no_ack: false,
};

describe('makeStreamConfig', () => {
  it.each<[string, NatssChannel['spec'], DesiredStream]>([
    ['no stream config: JetStream defaults, file storage', {}, defaults],
    [
      'every field of stream.config',
      {
        stream: {
          config: {
            additionalSubjects: ['legacy.orders'],
            retention: 'Work',
            maxConsumers: 4,
            maxMsgs: 1000,
            maxBytes: 1048576,
            discard: 'New',
            maxAge: '24h',
            maxMsgSize: 65536,
            storage: 'Memory',
            replicas: 3,
            noAck: true,
            duplicateWindow: '2m',
            placement: { cluster: 'east', tags: ['ssd'] },
            sources: [{ name: 'OTHER', optStartSeq: 5, filterSubject: 'a.>' }],
          },
        },
      },
      {
        name: 'KN_MY_NS__MY_CHANNEL',
        subjects: ['my-ns.my-channel._knative', 'legacy.orders'],
        retention: 'workqueue',
        max_consumers: 4,
        max_msgs: 1000,
        max_bytes: 1048576,
        discard: 'new',
        max_age: 86_400_000_000_000,
        max_msg_size: 65536,
        storage: 'memory',
        num_replicas: 3,
        no_ack: true,
        duplicate_window: 120_000_000_000,
        placement: { cluster: 'east', tags: ['ssd'] },
        sources: [{ name: 'OTHER', opt_start_seq: 5, filter_subject: 'a.>' }],
      },
    ],
    ['an override name', { stream: { overrideName: 'ORDERS' } }, { ...defaults, name: 'ORDERS' }],
  ])('%s', (_case, spec, want) => {
    expect(makeStreamConfig(channel(spec))).toEqual({ ok: true, stream: want });
  });

  it('refuses a duration that is not a Go duration, naming the field', () => {
    expect(makeStreamConfig(channel({ stream: { config: { maxAge: 'P1D' } } }))).toEqual({
      ok: false,
      message: 'spec.stream.config: "P1D" is not a Go duration (e.g. 30s, 1h30m)',
    });
  });
});

describe('streamDrift', () => {
  const server = {
    ...defaults,
    duplicate_window: 120_000_000_000,
    sealed: false,
    deny_delete: false,
  };

  it('ignores what the channel does not decide', () => {
    expect(streamDrift(defaults, server)).toEqual([]);
  });

  it('names the fields that differ', () => {
    const want = { ...defaults, max_msgs: 10, subjects: [...defaults.subjects, 'x'] };
    expect(streamDrift(want, server)).toEqual(['subjects', 'max_msgs']);
  });
});
