import { keysToEnable, valuesKey } from './chart-values.js';

const values = `
controller: {enabled: true}
imcDispatcher: {enabled: true}
kafkaChannelDispatcher: {enabled: false}
natssChannelDispatcher: {enabled: false}
apiserverAdapter: {image: ''}
`;

describe('chart values', () => {
  it.each([
    ['imc-dispatcher', 'imcDispatcher'],
    ['kafka-channel-dispatcher', 'kafkaChannelDispatcher'],
    ['ping-adapter', 'pingAdapter'],
  ])('%s has values key %s', (app, key) => expect(valuesKey(app)).toBe(key));

  it('enables the apps off by default that are real, and nothing else', () => {
    const apps = [
      'imc-dispatcher',
      'kafka-channel-dispatcher',
      'natss-channel-dispatcher',
      'apiserver-adapter',
    ];
    expect(keysToEnable(values, apps, (a) => a !== 'natss-channel-dispatcher')).toEqual([
      'kafkaChannelDispatcher',
    ]);
    expect(keysToEnable(values, apps, () => false)).toEqual([]);
  });
});
