import type { KubeObject } from '@knative-ts/kube';
import { EventBuilder, parseOverrides } from './event-builder.js';

const cm: KubeObject & { data: Record<string, string> } = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace: 'demo', name: 'cfg', resourceVersion: '7' },
  data: { a: 'b' },
};
const source = 'https://127.0.0.1:6443';
const text = (d: Uint8Array | undefined) => new TextDecoder().decode(d);

describe('EventBuilder', () => {
  it.each([
    ['Resource', 'add', 'dev.knative.apiserver.resource.add', cm],
    ['Resource', 'delete', 'dev.knative.apiserver.resource.delete', cm],
    [
      'Reference',
      'update',
      'dev.knative.apiserver.ref.update',
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg', namespace: 'demo' },
    ],
  ] as const)('%s mode %s', (mode, change, type, data) => {
    const event = new EventBuilder({ mode, source, extensions: {} }).build(change, cm);
    expect(event.attributes).toMatchObject({
      specversion: '1.0',
      type,
      source,
      subject: '/apis/v1/namespaces/demo/configmaps/cfg',
      datacontenttype: 'application/json',
      kind: 'ConfigMap',
      name: 'cfg',
      namespace: 'demo',
      apiversion: 'v1',
    });
    expect(event.attributes['id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(event.attributes['time'] ?? ''))).toBe(false);
    expect(JSON.parse(text(event.data))).toEqual(data);
  });

  it('adds ceOverrides extensions but never replaces its own attributes', () => {
    const event = new EventBuilder({
      mode: 'Reference',
      source,
      extensions: { Team: 'blue', type: 'evil', source: 'evil' },
    }).build('add', cm);
    expect(event.attributes['team']).toBe('blue');
    expect(event.attributes['type']).toBe('dev.knative.apiserver.ref.add');
    expect(event.attributes['source']).toBe(source);
  });
});

describe('parseOverrides', () => {
  it.each([
    ['', {}],
    ['{}', {}],
    ['{"extensions":{"a":"b"}}', { a: 'b' }],
  ])('%j', (json, want) => expect(parseOverrides(json)).toEqual(want));
  it.each(['nope', '{"extensions":[1]}'])('refuses %j', (json) =>
    expect(() => parseOverrides(json)).toThrow(/K_CE_OVERRIDES/),
  );
});
