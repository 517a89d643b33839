import {
  autoEventTypeName,
  parseRegistryEventTypes,
  sourceEventTypeName,
  toDns1123Subdomain,
} from './event-type-names.js';

describe('event type names', () => {
  it('names an auto-created EventType et-<owner>-<md5(type+source+ns+owner)>', () => {
    // md5("t" + "s" + "n" + "b"), computed independently.
    expect(autoEventTypeName({ ownerName: 'b', namespace: 'n', type: 't', source: 's' })).toBe(
      'et-b-6f2ec2bf95a5742c4dcef2b4eb805a4c',
    );
    expect(
      autoEventTypeName({ ownerName: 'My_Broker', namespace: 'n', type: 't', source: 's' }),
    ).toMatch(/^et-mybroker-[0-9a-f]{32}$/);
  });

  it.each([
    ['Already.valid-name', 'already.valid-name'],
    ['et-My_Broker-abc', 'et-mybroker-abc'],
    ['-x-', 'x'],
    ['ok', 'ok'],
  ])('toDns1123Subdomain(%s) = %s', (input, want) => {
    expect(toDns1123Subdomain(input)).toBe(want);
  });

  it('cuts names past 253 characters leaving room for a suffix', () => {
    expect(toDns1123Subdomain('a'.repeat(300))).toHaveLength(248);
  });

  it('names a source EventType by md5 of type, source, schema and source uid', () => {
    const a = sourceEventTypeName({ type: 't', source: 's', sourceUid: 'u' });
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(sourceEventTypeName({ type: 't', source: 's', sourceUid: 'v' })).not.toBe(a);
  });

  it.each([
    [
      '[{"type":"dev.knative.sources.ping"}]',
      { ok: true, value: [{ type: 'dev.knative.sources.ping' }] },
    ],
    [
      '[{"type":"a","schema":"https://s","description":"d"}]',
      { ok: true, value: [{ type: 'a', schema: 'https://s', description: 'd' }] },
    ],
    ['{', { ok: false, error: expect.stringMatching(/is not JSON/) as unknown }],
    ['{}', { ok: false, error: 'registry.knative.dev/eventTypes is not a list' }],
    ['[{"schema":"x"}]', { ok: false, error: 'registry.knative.dev/eventTypes[0] has no "type"' }],
  ])('parseRegistryEventTypes(%s)', (input, want) => {
    expect(parseRegistryEventTypes(input)).toEqual(want);
  });
});
