import type { PingSource, PingSourceSpec } from '@knative-ts/types';
import { PingErrorCode } from './errors.js';
import { compileTemplate, tickEvent } from './ping-event.js';

const source = (spec: Partial<PingSourceSpec>): PingSource => ({
  apiVersion: 'sources.knative.dev/v1',
  kind: 'PingSource',
  metadata: { namespace: 'ns1', name: 'ping', uid: 'u-1' },
  spec: { sink: { uri: 'http://sink' }, ...spec },
});
const TICK = Date.parse('2025-03-04T05:06:08.000Z');
const base = {
  specversion: '1.0',
  type: 'dev.knative.sources.ping',
  source: '/apis/v1/namespaces/ns1/pingsources/ping',
  id: 'id-1',
  time: '2025-03-04T05:06:08.000Z',
};
const text = (data: Uint8Array | undefined) =>
  data === undefined ? undefined : Buffer.from(data).toString('utf8');

describe('ping events', () => {
  it.each<[string, Partial<PingSourceSpec>, Record<string, string>, string | undefined]>([
    ['no payload: no data, no content type', {}, base, undefined],
    [
      'data defaults to application/json',
      { data: '{"message": "hello, world!"}' },
      { ...base, datacontenttype: 'application/json' },
      '{"message": "hello, world!"}',
    ],
    [
      'data with its content type, bytes unchanged',
      { data: 'plain words', contentType: 'text/plain' },
      { ...base, datacontenttype: 'text/plain' },
      'plain words',
    ],
    [
      'dataBase64 is decoded',
      { dataBase64: Buffer.from('héllo').toString('base64'), contentType: 'text/plain' },
      { ...base, datacontenttype: 'text/plain' },
      'héllo',
    ],
    [
      'ceOverrides extensions are added',
      { ceOverrides: { extensions: { team: 'a', Region: 'eu' } } },
      { ...base, team: 'a', region: 'eu' },
      undefined,
    ],
    [
      'ceOverrides cannot replace the ping attributes',
      { ceOverrides: { extensions: { type: 'x', id: 'y', other: 'z' } } },
      { ...base, other: 'z' },
      undefined,
    ],
  ])('%s', (_case, spec, attributes, data) => {
    const event = tickEvent(compileTemplate(source(spec)), 'id-1', TICK);
    expect(event.attributes).toEqual(attributes);
    expect(text(event.data)).toBe(data);
  });

  it('gives each tick its own id and time, sharing the rest', () => {
    const template = compileTemplate(source({ data: '{}' }));
    const a = tickEvent(template, 'a', TICK);
    const b = tickEvent(template, 'b', TICK + 60_000);
    expect([a.attributes['id'], b.attributes['id']]).toEqual(['a', 'b']);
    expect(b.attributes['time']).toBe('2025-03-04T05:07:08.000Z');
    expect(b.data).toBe(a.data);
  });

  it('refuses dataBase64 that is not base64', () => {
    expect(() => compileTemplate(source({ dataBase64: 'not base64!' }))).toThrow(
      expect.objectContaining({ code: PingErrorCode.InvalidPayload }),
    );
  });
});
