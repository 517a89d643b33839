import type { CloudEvent } from '@knative-ts/delivery';
import { silentLogger } from '@knative-ts/reconciler';
import { SerialSender, type SendOutcome } from './serial-sender.js';

const ev = (id: string): CloudEvent => ({
  attributes: { id, type: 't', source: 's', specversion: '1.0' },
});

describe('SerialSender', () => {
  it('sends one at a time in order and counts what was lost', async () => {
    const order: string[] = [];
    let inFlight = 0;
    let peak = 0;
    const q = new SerialSender({
      log: silentLogger,
      send: async (e): Promise<SendOutcome> => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        order.push(e.attributes['id'] ?? '');
        if (e.attributes['id'] === '2')
          return { ok: false, error: new Error('503'), failure: { status: 503 } };
        if (e.attributes['id'] === '3') throw new Error('boom');
        return { ok: true, status: 202 };
      },
    });
    for (const id of ['1', '2', '3', '4']) q.push(ev(id));
    await q.flush();
    expect(order).toEqual(['1', '2', '3', '4']);
    expect(peak).toBe(1);
    expect([q.delivered, q.lost, q.pending()]).toEqual([2, 2, 0]);
  });
});
