import { parseTriggerPath, triggerPath } from './trigger-path.js';

const t = { kind: 'trigger', namespace: 'ns', name: 'tr', uid: 'u-1' };

describe('parseTriggerPath', () => {
  it.each([
    ['/triggers/ns/tr/u-1', { ...t, endpoint: 'subscriber' }],
    ['/triggers/ns/tr/u-1?x=y', { ...t, endpoint: 'subscriber' }],
    ['/triggers/ns/tr/u-1/reply', { ...t, endpoint: 'reply' }],
    ['/triggers/ns/tr/u-1/dls', { ...t, endpoint: 'dls' }],
    ['/triggers/ns/tr/u-1/', { kind: 'malformed' }],
    ['/triggers/ns/tr/u-1/other', { kind: 'malformed' }],
    ['/triggers/ns/tr', { kind: 'malformed' }],
    ['/trigger/ns/tr/u-1', { kind: 'malformed' }],
    ['/triggers//tr/u-1', { kind: 'malformed' }],
    ['/triggers/ns/tr/u-1/reply/x', { kind: 'malformed' }],
    ['/', { kind: 'malformed' }],
    ['x/triggers/ns/tr/u-1', { kind: 'malformed' }],
  ])('%s → %j', (url, expected) => {
    expect(parseTriggerPath(url)).toEqual(expected);
  });

  it('round-trips the path the Trigger reconciler generates', () => {
    expect(parseTriggerPath(triggerPath('ns', 'tr', 'u-1'))).toEqual({
      ...t,
      endpoint: 'subscriber',
    });
  });
});
