import type { CloudEvent, SendOptions, SendResult } from '@knative-ts/delivery';
import { createLogger } from '@knative-ts/runtime';
import { deliverToTrigger, type TriggerDeliveryOptions } from './trigger-delivery.js';
import type { TriggerEntry } from './trigger-table.js';

const event: CloudEvent = {
  attributes: {
    specversion: '1.0',
    id: 'e1',
    source: '/src',
    type: 't',
    knativebrokerttl: '254',
  },
};

describe('deliverToTrigger headers', () => {
  const sent: Array<SendOptions['headers']> = [];
  const options: TriggerDeliveryOptions = {
    brokers: { timeoutOf: () => undefined },
    sender: {
      send: async (_e: CloudEvent, _url: string, o: SendOptions): Promise<SendResult> => {
        sent.push(o.headers);
        return { ok: true, status: 202, headers: {}, body: new Uint8Array() };
      },
    },
    metrics: { counted: () => {}, dispatched: () => {}, processed: () => {} },
    log: createLogger({ component: 'test', level: 'silent' }),
  };
  const trigger = (name: string, namespace = 'ns'): TriggerEntry => ({
    namespace,
    name,
    uid: `uid-${name}`,
    broker: 'default',
    subscriberUri: `http://${name}.example/`,
    matches: () => true,
    delivery: { retry: 0, format: 'binary' },
    filterType: 'any',
  });
  beforeEach(() => void (sent.length = 0));

  it("forwards the pass-through subset and the Trigger's namespace", async () => {
    const headers = { 'x-request-id': 'r', prefer: 'reply', 'kn-namespace': 'channel-ns' };
    await deliverToTrigger(options, { trigger: trigger('a', 'ns1'), event, headers });
    expect(sent[0]).toEqual({ 'x-request-id': 'r', 'kn-namespace': 'ns1' });
  });

  it('makes them once for every Trigger of one namespace given the same headers', async () => {
    const headers = { 'x-request-id': 'r' };
    for (const name of ['a', 'b']) {
      await deliverToTrigger(options, { trigger: trigger(name), event, headers });
    }
    await deliverToTrigger(options, { trigger: trigger('c', 'other'), event, headers });
    const [a, b, c] = sent;
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    expect(c).toEqual({ 'x-request-id': 'r', 'kn-namespace': 'other' });
  });

  it("reads another request's headers afresh", async () => {
    for (const id of ['one', 'two']) {
      await deliverToTrigger(options, {
        trigger: trigger('a'),
        event,
        headers: { 'x-request-id': id },
      });
    }
    expect(sent.map((h) => h?.['x-request-id'])).toEqual(['one', 'two']);
  });
});
