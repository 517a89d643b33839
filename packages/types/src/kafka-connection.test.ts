import {
  parseBootstrapServers,
  parseKafkaAuth,
  parseKafkaChannelConfig,
} from './kafka-connection.js';

describe('parseBootstrapServers', () => {
  it.each([
    ['a:9092', ['a:9092']],
    [' a:9092 , b:9093 ', ['a:9092', 'b:9093']],
    ['[::1]:9092', ['[::1]:9092']],
  ])('parses %j', (raw, brokers) => {
    expect(parseBootstrapServers(raw)).toEqual({ ok: true, value: brokers });
  });

  it.each([undefined, '', ' , ', 'a', 'a:x'])('refuses %j', (raw) => {
    expect(parseBootstrapServers(raw).ok).toBe(false);
  });
});

describe('parseKafkaChannelConfig', () => {
  it('reads servers and a Secret defaulting to the system namespace', () => {
    expect(
      parseKafkaChannelConfig(
        { 'bootstrap.servers': 'k:9092', 'auth.secret.ref.name': 'creds' },
        'knative-eventing',
      ),
    ).toEqual({
      ok: true,
      value: { brokers: ['k:9092'], authSecret: { namespace: 'knative-eventing', name: 'creds' } },
    });
  });

  it('names the missing key', () => {
    const r = parseKafkaChannelConfig({}, 'ns');
    expect(r.ok ? [] : r.errors).toEqual([expect.stringContaining('bootstrap.servers')]);
  });
});

describe('parseKafkaAuth', () => {
  it.each([
    [{}, {}],
    [{ protocol: 'SSL' }, { ssl: true }],
    [{ protocol: 'SSL', 'ca.crt': 'CA' }, { ssl: { ca: ['CA'] } }],
    [
      { protocol: 'SASL_SSL', 'sasl.mechanism': 'SCRAM-SHA-512', user: 'u', password: 'p' },
      { ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' } },
    ],
    [
      { protocol: 'sasl_plaintext', user: 'u', password: 'p' },
      { sasl: { mechanism: 'plain', username: 'u', password: 'p' } },
    ],
  ])('reads %j', (data, auth) => {
    expect(parseKafkaAuth(data)).toEqual({ ok: true, value: auth });
  });

  it.each([
    [{ protocol: 'TLS' }, 'protocol must be one of'],
    [{ protocol: 'SASL_PLAINTEXT', user: 'u' }, 'needs user and password'],
    [
      { protocol: 'SASL_PLAINTEXT', 'sasl.mechanism': 'GSSAPI', user: 'u', password: 'p' },
      'sasl.mechanism',
    ],
    [{ protocol: 'SSL', 'user.crt': 'c' }, 'user.crt and user.key'],
  ])('refuses %j', (data, message) => {
    const r = parseKafkaAuth(data);
    expect(r.ok ? [] : r.errors).toEqual([expect.stringContaining(message)]);
  });
});
