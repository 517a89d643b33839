import type { CloudEvent } from '../event.js';
import { nextBrokerTtl, readBrokerTtl, stripBrokerTtl } from './broker-ttl.js';

const event = (ttl?: string): CloudEvent => ({
  attributes: {
    specversion: '1.0',
    id: '1',
    source: '/s',
    type: 't',
    ...(ttl === undefined ? {} : { knativebrokerttl: ttl }),
  },
  data: new Uint8Array([1, 2]),
});

describe('broker TTL', () => {
  it.each([
    ['absent', undefined, undefined, 255],
    ['fresh from ingress', '255', 255, 254],
    ['last hop', '1', 1, 0],
    ['already 0 stays 0', '0', 0, 0],
    ['negative floors at 0', '-3', -3, 0],
    ['not an integer is reset', 'abc', undefined, 255],
    ['a fraction is reset', '1.5', undefined, 255],
    ['beyond int32 is reset', '99999999999', undefined, 255],
  ])('%s: read %s → next %s', (_name, raw, read, next) => {
    expect(readBrokerTtl(event(raw))).toBe(read);
    expect(nextBrokerTtl(event(raw), 255)).toBe(next);
  });

  it('strips the TTL, keeping everything else, and reports it', () => {
    const original = event('17');
    const { event: stripped, ttl } = stripBrokerTtl(original);
    expect(ttl).toBe(17);
    expect(stripped.attributes).not.toHaveProperty('knativebrokerttl');
    expect(stripped.attributes['id']).toBe('1');
    expect(stripped.data).toBe(original.data);
    expect(original.attributes['knativebrokerttl']).toBe('17');
  });

  it('returns the same event when there is no TTL', () => {
    const original = event();
    expect(stripBrokerTtl(original)).toEqual({ event: original, ttl: undefined });
  });

  it('strips an event once: every Trigger of a fan-out gets the same copy', () => {
    const original = event('9');
    const first = stripBrokerTtl(original);
    expect(stripBrokerTtl(original)).toBe(first);
    expect(stripBrokerTtl(event('9'))).not.toBe(first);
  });
});
