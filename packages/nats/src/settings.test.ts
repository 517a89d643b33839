import { parseNatsSettings, secretNames } from './settings.js';

describe('parseNatsSettings', () => {
  it('takes NATS_URL when config-nats sets no url', () => {
    expect(parseNatsSettings({ url: 'nats://a:4222,nats://b:4222' })).toEqual({
      ok: true,
      settings: { servers: ['nats://a:4222', 'nats://b:4222'], retryOnFailedConnect: false },
    });
  });

  it("reads Knative's eventing-nats YAML, whose url wins", () => {
    const config = [
      'url: nats://nats.nats-io.svc.cluster.local:4222',
      'connOpts:',
      '  retryOnFailedConnect: true',
      '  maxReconnects: 5',
      '  reconnectWaitMilliseconds: 2000',
      'auth:',
      '  credentialFile:',
      '    secret:',
      '      name: nats-creds',
      '  tls:',
      '    secret:',
      '      name: nats-client-tls',
      '  secret:',
      '    name: nats-user',
      'tls:',
      `  caBundle: ${Buffer.from('PEM').toString('base64')}`,
    ].join('\n');
    const got = parseNatsSettings({ url: 'nats://ignored:1', config });
    expect(got).toEqual({
      ok: true,
      settings: {
        servers: ['nats://nats.nats-io.svc.cluster.local:4222'],
        retryOnFailedConnect: true,
        maxReconnects: 5,
        reconnectWaitMs: 2000,
        credentialFile: { name: 'nats-creds', key: 'nats.creds' },
        clientTlsSecret: 'nats-client-tls',
        authSecret: 'nats-user',
        caBundle: 'PEM',
      },
    });
    if (got.ok)
      expect(secretNames(got.settings)).toEqual(['nats-creds', 'nats-client-tls', 'nats-user']);
  });

  it.each<[string, { url?: string; config?: string }, RegExp]>([
    ['no server at all', {}, /no NATS server/],
    ['not YAML', { config: 'url: [' }, /not YAML/],
    ['a list', { config: '- a' }, /expected a YAML mapping/],
    ['a numeric url', { config: 'url: 4' }, /eventing-nats.url: expected a string/],
    [
      'a secret without name',
      { url: 'nats://a', config: 'auth:\n  secret: {}\n' },
      /auth.secret.name: required/,
    ],
    [
      'two CA sources',
      { url: 'nats://a', config: 'tls:\n  caBundle: eA==\n  secret:\n    name: ca\n' },
      /only one of caBundle and secret/,
    ],
  ])('refuses %s', (_case, input, error) => {
    const got = parseNatsSettings(input);
    expect(got.ok).toBe(false);
    if (!got.ok) expect(got.errors.join('\n')).toMatch(error);
  });
});
