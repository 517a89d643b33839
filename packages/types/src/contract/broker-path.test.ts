import { parseBrokerPath } from './broker-path.js';

describe('parseBrokerPath', () => {
  it.each([
    ['/', { kind: 'root' }],
    ['/?x=1', { kind: 'root' }],
    ['/ns/default', { kind: 'broker', namespace: 'ns', name: 'default' }],
    ['/ns/default/', { kind: 'broker', namespace: 'ns', name: 'default' }],
    ['/ns/default?x=1', { kind: 'broker', namespace: 'ns', name: 'default' }],
    ['/ns', { kind: 'malformed' }],
    ['/ns/', { kind: 'malformed' }],
    ['/ns/default/extra', { kind: 'malformed' }],
    ['//default', { kind: 'malformed' }],
    ['/ns//', { kind: 'malformed' }],
    ['ns/default', { kind: 'malformed' }],
  ])('%s → %j', (url, expected) => {
    expect(parseBrokerPath(url)).toEqual(expected);
  });
});
