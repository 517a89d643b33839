import type { CloudEvent } from 'cloudevents';
import { heartbeat, heartbeatsConfig, runHeartbeats } from './heartbeats.js';

const env = {
  K_SINK: 'http://sink.demo.svc.cluster.local',
  K_CE_OVERRIDES: '{"extensions":{"sink":"bound"}}',
  POD_NAME: 'hb-1',
  POD_NAMESPACE: 'demo',
};

describe('heartbeats', () => {
  it('builds Knative sample heartbeats with the overrides', () => {
    const config = heartbeatsConfig(['--period=1', '--label=x'], env);
    expect(config).toMatchObject({ periodMs: 1000, label: 'x', oneShot: false });
    const e = heartbeat(config, 3);
    expect(e).toMatchObject({
      type: 'dev.knative.eventing.samples.heartbeat',
      source: 'https://knative.dev/eventing/cmd/heartbeats/#demo/hb-1',
      data: { id: 3, label: 'x' },
      the: 42,
      heart: 'yes',
      beats: true,
      sink: 'bound',
    });
  });

  it.each([
    [[], {}, /K_SINK/],
    [['--period=0'], env, /--period/],
  ])('refuses %j', (argv, e, err) => expect(() => heartbeatsConfig(argv, e)).toThrow(err));

  it('sends one heartbeat when one-shot', async () => {
    const sent: Array<CloudEvent<unknown>> = [];
    const config = heartbeatsConfig([], { ...env, ONE_SHOT: 'true' });
    await runHeartbeats(
      config,
      new AbortController().signal,
      () => undefined,
      async (e) => {
        sent.push(e);
        return {};
      },
    );
    expect(sent.map((e) => e.data)).toEqual([{ id: 1, label: '' }]);
  });
});
