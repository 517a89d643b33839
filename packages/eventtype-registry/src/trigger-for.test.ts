import type { EventType, EventTypeV1beta3 } from '@knative-ts/types';
import { defaultTriggerName, triggerFor } from './trigger-for.js';

const subscriber = { ref: { apiVersion: 'v1', kind: 'Service', name: 'display' } };
const v1beta3 = (attributes: EventTypeV1beta3['spec']['attributes']): EventTypeV1beta3 => ({
  apiVersion: 'eventing.knative.dev/v1beta3',
  kind: 'EventType',
  metadata: { namespace: 'demo', name: 'et' },
  spec: {
    attributes,
    reference: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'default' },
  },
});

describe('triggerFor', () => {
  it('filters on every fixed attribute, leaving out id, specversion and schemadata', () => {
    const et = v1beta3([
      { name: 'type', required: true, value: 'dev.example.order' },
      { name: 'source', required: true, value: '/shop' },
      { name: 'schemadata', required: true },
      { name: 'specversion', required: true, value: '1.0' },
      { name: 'id', required: false },
      { name: 'region', required: false, value: 'eu' },
    ]);
    expect(triggerFor(et, { broker: 'default', subscriber })).toEqual({
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      metadata: { name: 'trigger-dev-example-order', namespace: 'demo' },
      spec: {
        broker: 'default',
        subscriber,
        filter: { attributes: { type: 'dev.example.order', source: '/shop', region: 'eu' } },
      },
    });
  });

  it('reads a v1beta2 EventType too', () => {
    const et: EventType = {
      apiVersion: 'eventing.knative.dev/v1beta2',
      kind: 'EventType',
      metadata: { namespace: 'demo', name: 'et' },
      spec: { type: 'dev.knative.sources.ping', source: '/apis/v1/namespaces/demo/pingsources/p' },
    };
    expect(triggerFor(et, { broker: 'b', subscriber, name: 'mine' }).spec.filter).toEqual({
      attributes: {
        type: 'dev.knative.sources.ping',
        source: '/apis/v1/namespaces/demo/pingsources/p',
      },
    });
  });

  it('turns a template into a CESQL LIKE beside the exact attributes', () => {
    const et = v1beta3([
      { name: 'type', required: true, value: 'dev.knative.sources.ping' },
      { name: 'source', required: true, value: '/apis/v1/namespaces/{ns}/pingsources/{name}_x%' },
    ]);
    const t = triggerFor(et, { broker: 'default', subscriber });
    expect(t.spec.filter).toBeUndefined();
    expect(t.spec.filters).toEqual([
      { exact: { type: 'dev.knative.sources.ping' } },
      { cesql: "source LIKE '/apis/v1/namespaces/%/pingsources/%\\_x\\%'" },
    ]);
  });

  it.each([
    ['dev.knative.sources.ping', 'trigger-dev-knative-sources-ping'],
    ['A'.repeat(80), `trigger-${'a'.repeat(55)}`],
  ])('names a Trigger for %s', (type, want) => {
    expect(defaultTriggerName(type)).toBe(want);
  });
});
