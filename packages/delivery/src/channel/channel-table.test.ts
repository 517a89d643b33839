import { ChannelTable, hostOf, type Routable } from './channel-table.js';

const ch = (namespace: string, name: string): Routable => ({
  namespace,
  name,
  host: `${name}-kn-channel.${namespace}.svc.cluster.local`,
});

describe('ChannelTable.route', () => {
  const table = new ChannelTable<Routable>();
  const a = ch('ns1', 'a');
  const b = ch('ns2', 'b');
  table.set(a);
  table.set(b);

  it.each([
    ['host', 'a-kn-channel.ns1.svc.cluster.local', '/', a],
    ['host with port', 'a-kn-channel.ns1.svc.cluster.local:8080', '/', a],
    ['host in upper case', 'A-KN-CHANNEL.NS1.SVC.CLUSTER.LOCAL', '/', a],
    ['host with query', 'b-kn-channel.ns2.svc.cluster.local', '/?x=1', b],
    ['path', '127.0.0.1:8080', '/ns2/b', b],
    ['path with trailing slash', '127.0.0.1:8080', '/ns1/a/', a],
    ['path wins over host', 'a-kn-channel.ns1.svc.cluster.local', '/ns2/b', b],
  ])('finds a channel by %s', (_case, host, url, want) => {
    expect(table.route(host, url)).toEqual({ kind: 'found', channel: want });
  });

  it.each([
    [
      'unknown host',
      'x-kn-channel.ns1.svc.cluster.local',
      '/',
      'x-kn-channel.ns1.svc.cluster.local',
    ],
    ['no host', undefined, '/', ''],
    ['unknown path', 'localhost', '/ns1/b', 'ns1/b'],
  ])('reports %s as unknown', (_case, host, url, key) => {
    expect(table.route(host, url)).toEqual({ kind: 'unknown', key });
  });

  it.each(['/ns1', '/ns1/a/extra', '//a', '/ns1//'])('reports path %s as bad', (url) => {
    expect(table.route('localhost', url).kind).toBe('bad-path');
  });

  it('forgets a deleted channel by host and path', () => {
    const t = new ChannelTable<Routable>();
    t.set(ch('n', 'c'));
    t.delete('n', 'c');
    expect(t.route('c-kn-channel.n.svc.cluster.local', '/').kind).toBe('unknown');
    expect(t.route('x', '/n/c').kind).toBe('unknown');
    expect(t.size).toBe(0);
  });

  it('routes a replaced channel to its new entry by host and path', () => {
    const t = new ChannelTable<Routable & { generation: number }>();
    t.set({ ...ch('n', 'c'), generation: 1 });
    t.set({ ...ch('n', 'c'), generation: 2 });
    for (const [host, url] of [
      ['c-kn-channel.n.svc.cluster.local', '/'],
      ['x', '/n/c'],
      ['x', '/n/c?x=1'],
      ['x', '/n/%63'],
    ] as const) {
      const route = t.route(host, url);
      expect(route.kind === 'found' && route.channel.generation).toBe(2);
    }
    expect(t.size).toBe(1);
  });

  it('forgets the old host of a channel whose host changed', () => {
    const t = new ChannelTable<Routable>();
    t.set({ namespace: 'n', name: 'c', host: 'old.example' });
    t.set({ namespace: 'n', name: 'c', host: 'new.example' });
    expect(t.route('old.example', '/').kind).toBe('unknown');
    expect(t.route('new.example', '/').kind).toBe('found');
  });
});

describe('hostOf', () => {
  it.each([
    ['a.b:80', 'a.b'],
    ['a.b.', 'a.b'],
    ['[::1]:8080', '[::1]'],
    ['', ''],
  ])('%s → %s', (raw, want) => expect(hostOf(raw)).toBe(want));
});
