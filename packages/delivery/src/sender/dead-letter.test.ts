import type { CloudEvent } from '../event.js';
import { deadLetterEvent, errorData } from './dead-letter.js';

const enc = new TextEncoder();
const original: CloudEvent = {
  attributes: { specversion: '1.0', id: '1', source: '/s', type: 't', myext: 'keep' },
  data: enc.encode('payload'),
};

describe('deadLetterEvent', () => {
  it('adds the three extensions and keeps everything else', () => {
    const dl = deadLetterEvent(original, {
      destination: 'http://sub.ns.svc.cluster.local/',
      status: 500,
      body: enc.encode('boom'),
    });
    expect(dl.attributes).toEqual({
      ...original.attributes,
      knativeerrordest: 'http://sub.ns.svc.cluster.local/',
      knativeerrorcode: '500',
      knativeerrordata: 'Ym9vbQ==', // data-plane-spec F.44 example
    });
    expect(dl.data).toBe(original.data);
    expect(original.attributes).not.toHaveProperty('knativeerrorcode');
  });

  it('reports 500 when there was no response', () => {
    const dl = deadLetterEvent(original, { destination: 'http://x/', body: new Uint8Array() });
    expect(dl.attributes['knativeerrorcode']).toBe('500');
    expect(dl.attributes['knativeerrordata']).toBe('');
  });
});

describe('errorData', () => {
  it.each([
    ['empty body', 0, 0],
    ['short body', 3, 4],
    ['767 bytes encode to 1024', 767, 1024],
    ['768 bytes encode to 1024', 768, 1024],
    ['769 bytes are cut after encoding', 769, 1024],
    ['10 KiB cut after encoding', 10240, 1024],
  ])('%s', (_name, size, length) => {
    const body = new Uint8Array(size).map((_, i) => i % 256);
    const data = errorData(body);
    expect(data).toHaveLength(length);
    expect(data).toBe(Buffer.from(body).toString('base64').slice(0, 1024));
  });
});
