import type { CloudEvent } from '../event.js';
import {
  deadLetterEvent,
  decodeBrokerFilterError,
  encodeBrokerFilterError,
  errorData,
  unwrapBrokerFilterFailure,
} from './dead-letter.js';

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

describe('broker-filter error bodies', () => {
  const filterUrl = 'http://broker-filter.knative-eventing.svc.cluster.local/triggers/ns/t/uid';
  const wrapped = (destination: string, body: string) =>
    encodeBrokerFilterError(destination, enc.encode(body));

  it('encodes like Go marshals ErrExtensionInfo (URL string, base64 bytes)', () => {
    const body = new TextDecoder().decode(wrapped('http://sub.ns.svc.cluster.local/', 'boom'));
    expect(JSON.parse(body)).toEqual({
      errdestination: 'http://sub.ns.svc.cluster.local/',
      errresponsebody: 'Ym9vbQ==',
    });
  });

  it.each([
    ['valid', '{"errdestination":"http://s/","errresponsebody":"Ym9vbQ=="}', 'http://s/', 'boom'],
    [
      'null body (Go nil slice)',
      '{"errdestination":"http://s/","errresponsebody":null}',
      'http://s/',
      '',
    ],
    ['not JSON', 'boom', undefined, undefined],
    ['JSON without destination', '{"errresponsebody":"Ym9vbQ=="}', undefined, undefined],
    [
      'body not base64',
      '{"errdestination":"http://s/","errresponsebody":"%%"}',
      undefined,
      undefined,
    ],
    ['a JSON array', '[1]', undefined, undefined],
  ])('decodes %s', (_name, text, destination, body) => {
    const decoded = decodeBrokerFilterError(enc.encode(text));
    expect(decoded?.destination).toBe(destination);
    if (body !== undefined) expect(new TextDecoder().decode(decoded?.body)).toBe(body);
  });

  it('unwraps a failed delivery to broker-filter into the subscriber and its body', () => {
    const dl = deadLetterEvent(original, {
      destination: filterUrl,
      status: 503,
      body: wrapped('http://sub.ns.svc.cluster.local/', 'boom'),
    });
    expect(dl.attributes).toMatchObject({
      knativeerrordest: 'http://sub.ns.svc.cluster.local/',
      knativeerrorcode: '503',
      knativeerrordata: 'Ym9vbQ==',
    });
  });

  it('keeps broker-filter as the destination when its body is not an error body', () => {
    const failure = { destination: filterUrl, status: 500, body: enc.encode('internal error') };
    expect(
      unwrapBrokerFilterFailure(failure, 'broker-filter.knative-eventing.svc.cluster.local'),
    ).toBe(failure);
  });

  it('leaves other destinations alone even when their body looks like an error body', () => {
    const failure = {
      destination: 'http://sub.ns.svc.cluster.local/',
      status: 500,
      body: wrapped('http://elsewhere/', 'x'),
    };
    expect(deadLetterEvent(original, failure).attributes['knativeerrordest']).toBe(
      'http://sub.ns.svc.cluster.local/',
    );
  });

  it('honours another system namespace', () => {
    const dl = deadLetterEvent(
      original,
      {
        destination: 'http://broker-filter.my-sys.svc.cluster.local/triggers/a/b/c',
        status: 500,
        body: wrapped('http://sub/', 'x'),
      },
      { brokerFilterHost: 'broker-filter.my-sys.svc.cluster.local' },
    );
    expect(dl.attributes['knativeerrordest']).toBe('http://sub/');
  });
});
