import { NatsConfigError, type SecretData } from './config-error.js';
import { connectOptions } from './connect-options.js';
import type { NatsSettings } from './settings.js';

const base: NatsSettings = { servers: ['nats://127.0.0.1:4222'], retryOnFailedConnect: false };
const bytes = (s: string) => new TextEncoder().encode(s);

describe('connectOptions', () => {
  it('reconnects forever by default and names the client', () => {
    expect(connectOptions(base, new Map(), 'natss-channel-dispatcher')).toEqual({
      servers: ['nats://127.0.0.1:4222'],
      name: 'natss-channel-dispatcher',
      maxReconnectAttempts: -1,
      waitOnFirstConnect: false,
    });
  });

  it.each<[string, Record<string, string>]>([
    ['user and password', { user: 'u', password: 'p' }],
    ['a token', { token: 's3cret\n' }],
    ['an nkey seed', { nkey: 'SUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTC4' }],
  ])('authenticates with %s from the Secret', (_case, data) => {
    const secrets: SecretData = new Map([
      ['nats-auth', Object.fromEntries(Object.entries(data).map(([k, v]) => [k, bytes(v)]))],
    ]);
    const got = connectOptions({ ...base, authSecret: 'nats-auth' }, secrets, 'x');
    expect(got.authenticator).toHaveLength(1);
  });

  it('takes mTLS and the CA from their Secrets', () => {
    const secrets: SecretData = new Map<string, Record<string, Uint8Array>>([
      ['client', { 'tls.crt': bytes('CERT'), 'tls.key': bytes('KEY') }],
      ['ca', { 'ca.crt': bytes('CA') }],
    ]);
    const got = connectOptions(
      { ...base, clientTlsSecret: 'client', caSecret: 'ca' },
      secrets,
      'x',
    );
    expect(got.tls).toEqual({ ca: 'CA', cert: 'CERT', key: 'KEY' });
  });

  it.each<[string, NatsSettings, SecretData, RegExp]>([
    ['a Secret not read', { ...base, authSecret: 'gone' }, new Map(), /"gone" was not read/],
    [
      'a user without password',
      { ...base, authSecret: 'a' },
      new Map([['a', { user: bytes('u') }]]),
      /has no key "password"/,
    ],
    ['an empty auth Secret', { ...base, authSecret: 'a' }, new Map([['a', {}]]), /needs user/],
  ])('refuses %s', (_case, settings, secrets, error) => {
    expect(() => connectOptions(settings, secrets, 'x')).toThrow(NatsConfigError);
    expect(() => connectOptions(settings, secrets, 'x')).toThrow(error);
  });
});
