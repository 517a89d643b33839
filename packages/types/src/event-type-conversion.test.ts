import {
  convertEventType,
  eventTypeToV1beta2,
  eventTypeToV1beta3,
} from './event-type-conversion.js';
import type { EventType, EventTypeV1beta3 } from './event-type.js';

const B2 = 'eventing.knative.dev/v1beta2';
const B3 = 'eventing.knative.dev/v1beta3';
const meta = { name: 'my-name', namespace: 'my-ns', uid: '1234' };
const reference = { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'my-broker' };
const status = { observedGeneration: 1234 };

const v1beta2: EventType = {
  apiVersion: B2,
  kind: 'EventType',
  metadata: meta,
  spec: {
    type: 't1',
    source: 'https://127.0.0.1/sources/my-source',
    schema: 'https://127.0.0.1/schemas/my-schema',
    reference,
    description: 'my-description',
  },
  status,
};
// Knative's TestEventTypeConversionV1Beta3 expectation.
const v1beta3: EventTypeV1beta3 = {
  apiVersion: B3,
  kind: 'EventType',
  metadata: meta,
  spec: {
    attributes: [
      { name: 'type', required: true, value: 't1' },
      { name: 'schemadata', required: false, value: 'https://127.0.0.1/schemas/my-schema' },
      { name: 'source', required: true, value: 'https://127.0.0.1/sources/my-source' },
    ],
    reference,
    description: 'my-description',
  },
  status,
};

describe('EventType conversion', () => {
  it('converts v1beta2 to v1beta3 as Knative does', () => {
    expect(eventTypeToV1beta3(v1beta2, B3)).toEqual(v1beta3);
  });

  it('converts v1beta3 back to the same v1beta2', () => {
    expect(eventTypeToV1beta2(v1beta3, B2)).toEqual(v1beta2);
  });

  it.each([
    ['schemaData', { schemaData: '{"type":"object"}' }],
    ['a broker beside a reference', { broker: 'other' }],
  ])('keeps %s through a round trip (Knative drops it)', (_name, extra) => {
    const et: EventType = { ...v1beta2, spec: { ...v1beta2.spec, ...extra } };
    const there = eventTypeToV1beta3(et, B3);
    expect(there.spec).toEqual(v1beta3.spec);
    expect(eventTypeToV1beta2(there, B2)).toEqual(et);
  });

  it('turns a lone deprecated broker into a Broker reference', () => {
    const et: EventType = { ...v1beta2, spec: { type: 't1', broker: 'default' } };
    expect(eventTypeToV1beta3(et, B3).spec).toEqual({
      attributes: [{ name: 'type', required: true, value: 't1' }],
      reference: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'default' },
    });
  });

  it.each([
    ['v1beta2 → v1beta3', v1beta2, B3, v1beta3],
    ['v1beta3 → v1beta2', v1beta3, B2, v1beta2],
    [
      'v1beta3 → v1beta1',
      v1beta3,
      'eventing.knative.dev/v1beta1',
      { ...v1beta2, apiVersion: 'eventing.knative.dev/v1beta1' },
    ],
    ['v1beta2 → v1beta2', v1beta2, B2, v1beta2],
    [
      'flat fields stored under v1beta3 (strategy None) → v1beta3',
      { ...v1beta2, apiVersion: B3 },
      B3,
      v1beta3,
    ],
    ['attributes stored under v1beta2 → v1beta2', { ...v1beta3, apiVersion: B2 }, B2, v1beta2],
  ])('convertEventType %s', (_name, input, to, want) => {
    expect(convertEventType(input as EventType, to)).toEqual(want);
  });

  it.each([['messaging.knative.dev/v1'], ['eventing.knative.dev/v1']])(
    'refuses to convert to %s',
    (to) => {
      expect(() => convertEventType(v1beta2, to)).toThrow(/cannot convert an EventType/);
    },
  );
});
