import { EventDisplay, formatEvent } from './display.js';

const event = {
  attributes: {
    specversion: '1.0',
    id: 'abc',
    source: '/apis/v1/namespaces/default/pingsources/ps',
    type: 'dev.knative.sources.ping',
    time: '2025-01-01T00:00:00.000Z',
    datacontenttype: 'application/json',
    knativehistory: 'ch.default.svc.cluster.local',
  },
  data: new TextEncoder().encode('{"message":"hi"}'),
};

describe('event display', () => {
  it('prints like Knative event_display', () => {
    expect(formatEvent(event)).toBe(
      [
        '☁️  cloudevents.Event',
        'Context Attributes,',
        '  specversion: 1.0',
        '  type: dev.knative.sources.ping',
        '  source: /apis/v1/namespaces/default/pingsources/ps',
        '  id: abc',
        '  time: 2025-01-01T00:00:00.000Z',
        '  datacontenttype: application/json',
        'Extensions,',
        '  knativehistory: ch.default.svc.cluster.local',
        'Data,',
        '  {\n  "message": "hi"\n}',
        '',
      ].join('\n'),
    );
  });

  it('keeps what it received as CloudEvents JSON, up to its limit', () => {
    const printed: string[] = [];
    const display = new EventDisplay((t) => printed.push(t), 2);
    display.record(event);
    display.record({ attributes: { ...event.attributes, id: '2' } });
    display.record({
      attributes: { ...event.attributes, id: '3', datacontenttype: 'application/octet-stream' },
      data: new Uint8Array([0xff]),
    });
    expect(printed).toHaveLength(3);
    expect(display.list()).toEqual([
      { ...event.attributes, id: '2' },
      {
        ...event.attributes,
        id: '3',
        datacontenttype: 'application/octet-stream',
        data_base64: '/w==',
      },
    ]);
  });
});
