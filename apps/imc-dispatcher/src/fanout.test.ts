import type { CloudEvent, DispatchRequest, DispatchResult } from '@knative-ts/delivery';
import { fanOut, type ChannelEntry } from './fanout.js';

const event: CloudEvent = {
  attributes: { specversion: '1.0', id: '1', source: '/s', type: 't' },
};

function channelTo(subscribers: string[], answer: (to: string) => DispatchResult) {
  const sent: string[] = [];
  const channel = {
    namespace: 'ns',
    name: 'ch',
    subscribers: subscribers.map((subscriber, i) => ({ uid: `u${i}`, subscriber, config: {} })),
    sender: {
      dispatch: async (_e: CloudEvent, o: DispatchRequest) => {
        sent.push(o.subscriber);
        return answer(o.subscriber);
      },
    },
  } as unknown as ChannelEntry;
  return { channel, sent };
}

const ok: DispatchResult = { ok: true, deadLettered: false };

describe('fanOut', () => {
  it('sends to every subscriber and succeeds when all took it', async () => {
    const { channel, sent } = channelTo(['http://a', 'http://b'], () => ok);
    expect(await fanOut(channel, event, {})).toEqual({ ok: true, failures: [] });
    expect(sent.sort()).toEqual(['http://a', 'http://b']);
  });

  it('reports each subscriber that did not take it', async () => {
    const { channel } = channelTo(['http://a', 'http://b'], (to) =>
      to === 'http://b' ? { ok: false, deadLettered: false, status: 500 } : ok,
    );
    const result = await fanOut(channel, event, {});
    expect(result.ok).toBe(false);
    expect(result.failures).toEqual([
      expect.objectContaining({ uid: 'u1', subscriber: 'http://b', status: 500 }),
    ]);
  });

  it('makes no request for a subscriber the prefilter skips, and counts it as taken', async () => {
    const { channel, sent } = channelTo(['http://a', 'http://b', 'http://c'], () => ok);
    const prefilter = {
      select: <S>(_e: unknown, subs: readonly S[], uriOf: (s: S) => string) =>
        subs.filter((s) => uriOf(s) === 'http://b'),
    };
    expect(await fanOut(channel, event, {}, { prefilter })).toEqual({ ok: true, failures: [] });
    expect(sent).toEqual(['http://b']);
  });
});
