import type { CloudEvent } from '@knative-ts/delivery';
import { fromRecord, toRecord } from './kafka-binding.js';

const base = { specversion: '1.0', id: 'e1', source: '/s', type: 't' };

describe('Kafka binding (binary mode)', () => {
  it.each<[string, CloudEvent, string | null]>([
    ['no data', { attributes: base }, null],
    [
      'data, content type and an extension',
      {
        attributes: { ...base, datacontenttype: 'application/json', myext: 'abc' },
        data: new TextEncoder().encode('{"a":1}'),
      },
      null,
    ],
    [
      'a partition key',
      { attributes: { ...base, partitionkey: 'k1' }, data: new Uint8Array([0, 255]) },
      'k1',
    ],
  ])('round-trips an event with %s', (_name, event, key) => {
    const record = toRecord(event);
    expect(record.key).toBe(key);
    const back = fromRecord({
      value: record.value,
      headers: Object.fromEntries(
        Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)]),
      ),
    });
    expect(back).toEqual({ event });
  });

  it('maps datacontenttype to content-type and attributes to ce_ headers', () => {
    expect(toRecord({ attributes: { ...base, datacontenttype: 'text/plain' } }).headers).toEqual({
      ce_specversion: '1.0',
      ce_id: 'e1',
      ce_source: '/s',
      ce_type: 't',
      'content-type': 'text/plain',
    });
  });

  it('refuses a record that is not a CloudEvent', () => {
    expect(fromRecord({ value: Buffer.from('x'), headers: { ce_id: Buffer.from('1') } })).toEqual({
      error: 'record is not a CloudEvent: no specversion, source, type',
    });
  });
});
