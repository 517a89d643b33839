import { stringify } from 'yaml';
import { chartEnvironment, parseRendered } from './chart-environment.js';
import { SandboxError, SandboxErrorCode } from './errors.js';

const ns = 'itest-sys';
const options = { namespace: ns, podName: (app: string) => `${app}-local` };

const configMap = (name: string, data: Record<string, string>, namespace: string = ns) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});
const deployment = (name: string, env: unknown[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: { template: { spec: { containers: [{ name, env, ...extra }] } } },
});
const fromConfigMap = (name: string, cm: string, key: string, optional?: boolean) => ({
  name,
  valueFrom: { configMapKeyRef: { name: cm, key, ...(optional !== undefined && { optional }) } },
});
/** What `helm template` prints: documents with `# Source:` comments between `---`. */
const rendered = (...objects: unknown[]) =>
  objects.map((o) => `# Source: eventing/templates/x.yaml\n${stringify(o)}`).join('---\n');

const logging = configMap('config-logging', { 'loglevel.imc-dispatcher': 'debug' });
const redis = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'eventing-redis', namespace: ns },
  stringData: { url: 'redis://10.0.0.1:6379' },
  data: { url: Buffer.from('redis://overridden').toString('base64'), user: 'YWRtaW4=' },
};

describe('chartEnvironment', () => {
  it.each<[string, unknown[], unknown[], Record<string, string>]>([
    [
      'plain values, as written',
      [{ name: 'ADMIN_PORT', value: '9090' }, { name: 'EMPTY' }],
      [],
      { ADMIN_PORT: '9090', EMPTY: '' },
    ],
    [
      'fieldRef: the release namespace and the chosen pod name',
      [
        { name: 'SYSTEM_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ],
      [],
      { SYSTEM_NAMESPACE: ns, POD_NAME: 'imc-dispatcher-local' },
    ],
    [
      'configMapKeyRef from the rendered ConfigMap',
      [fromConfigMap('LOG_LEVEL', 'config-logging', 'loglevel.imc-dispatcher')],
      [logging],
      { LOG_LEVEL: 'debug' },
    ],
    [
      'an optional missing key or ConfigMap leaves the variable unset',
      [
        fromConfigMap('KAFKA_BROKERS', 'kafka-channel-config', 'bootstrap.servers', true),
        fromConfigMap('METRICS_PROTOCOL', 'config-observability', 'metrics-protocol', true),
      ],
      [configMap('kafka-channel-config', {})],
      {},
    ],
    [
      'secretKeyRef: stringData wins over data, data is base64-decoded',
      [
        { name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'eventing-redis', key: 'url' } } },
        { name: 'USER', valueFrom: { secretKeyRef: { name: 'eventing-redis', key: 'user' } } },
      ],
      [redis],
      { REDIS_URL: 'redis://10.0.0.1:6379', USER: 'admin' },
    ],
    [
      'a later entry of the same name wins; a missing optional one keeps the earlier value',
      [
        { name: 'A', value: '1' },
        { name: 'A', value: '2' },
        { name: 'B', value: 'kept' },
        fromConfigMap('B', 'config-features', 'nope', true),
      ],
      [configMap('config-features', {})],
      { A: '2', B: 'kept' },
    ],
    [
      '$(NAME) expands to an earlier variable, $$ is a literal $, unknown names stay',
      [
        { name: 'HOST', value: 'h' },
        { name: 'URL', value: 'http://$(HOST):$(PORT)/$$(HOST)' },
      ],
      [],
      { HOST: 'h', URL: 'http://h:$(PORT)/$(HOST)' },
    ],
    [
      'a ConfigMap of another namespace is not the one the pod reads',
      [fromConfigMap('LOG_LEVEL', 'config-logging', 'loglevel.imc-dispatcher', true)],
      [configMap('config-logging', { 'loglevel.imc-dispatcher': 'debug' }, 'elsewhere')],
      {},
    ],
  ])('%s', (_name, env, objects, expected) => {
    const got = chartEnvironment(rendered(...objects, deployment('imc-dispatcher', env)), options);
    expect(got.apps).toEqual({ 'imc-dispatcher': expected });
  });

  it.each<[string, unknown, RegExp]>([
    [
      'a required key missing from its ConfigMap',
      deployment('broker-filter', [fromConfigMap('LOG_LEVEL', 'config-logging', 'loglevel.x')]),
      /^broker-filter: LOG_LEVEL needs key loglevel.x of ConfigMap config-logging/,
    ],
    [
      'a required ConfigMap the chart does not render',
      deployment('broker-filter', [fromConfigMap('X', 'config-missing', 'k')]),
      /^broker-filter: X needs ConfigMap config-missing/,
    ],
    [
      'a required Secret the chart does not render',
      deployment('broker-filter', [
        { name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
      ]),
      /^broker-filter: PW needs Secret creds/,
    ],
    [
      'a fieldRef with no local equivalent',
      deployment('broker-filter', [
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      ]),
      /^broker-filter: NODE comes from fieldRef spec.nodeName, which has no local equivalent/,
    ],
    [
      'a valueFrom kind it does not know',
      deployment('broker-filter', [
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      ]),
      /^broker-filter: CPU comes from valueFrom resourceFieldRef/,
    ],
    [
      'both value and valueFrom',
      deployment('broker-filter', [
        { name: 'X', value: '1', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ]),
      /^broker-filter: X has both value and valueFrom/,
    ],
    [
      'envFrom',
      deployment('broker-filter', [], { envFrom: [{ configMapRef: { name: 'config-logging' } }] }),
      /^Deployment broker-filter uses envFrom/,
    ],
    [
      'a command other than node <flags> dist/main.js',
      deployment('broker-filter', [], { command: ['sh', '-c', 'node dist/main.js'] }),
      /^Deployment broker-filter runs \["sh","-c","node dist\/main.js"\]/,
    ],
    [
      'an argument between node and dist/main.js that is not a flag',
      deployment('broker-filter', [], { command: ['node', 'other.js', 'dist/main.js'] }),
      /^Deployment broker-filter runs \["node","other.js","dist\/main.js"\]/,
    ],
    [
      'more than one container',
      {
        ...deployment('broker-filter', []),
        spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } } },
      },
      /^Deployment broker-filter has 2 containers/,
    ],
  ])('fails naming the app and variable: %s', (_name, object, message) => {
    let thrown: unknown;
    try {
      chartEnvironment(rendered(logging, object), options);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SandboxError);
    expect((thrown as SandboxError).code).toBe(SandboxErrorCode.Chart);
    expect((thrown as SandboxError).message).toMatch(message);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['no command: the image entrypoint, no flags', {}, []],
    ['node dist/main.js: no flags', { command: ['node', 'dist/main.js'] }, []],
    [
      'the flags between node and dist/main.js, in order',
      { command: ['node', '--max-semi-space-size=8', '--heap-growing-percent=30', 'dist/main.js'] },
      ['--max-semi-space-size=8', '--heap-growing-percent=30'],
    ],
  ])('node flags: %s', (_name, extra, expected) => {
    const got = chartEnvironment(rendered(deployment('imc-dispatcher', [], extra)), options);
    expect(got.nodeFlags).toEqual({ 'imc-dispatcher': expected });
  });

  it('returns the ConfigMaps and Secrets of the release namespace only, and every Deployment', () => {
    const got = chartEnvironment(
      rendered(
        logging,
        configMap('other', { a: 'b' }, 'elsewhere'),
        redis,
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'no-namespace' }, data: {} },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'imc-dispatcher', namespace: ns } },
        deployment('imc-dispatcher', [{ name: 'A', value: 'a' }]),
        deployment('broker-ingress', [{ name: 'B', value: 'b' }]),
      ),
      options,
    );
    expect(got.namespace).toBe(ns);
    expect(got.configMaps.map((c) => c.metadata.name)).toEqual(['config-logging', 'no-namespace']);
    expect(got.secrets.map((c) => c.metadata.name)).toEqual(['eventing-redis']);
    expect(got.apps).toEqual({ 'imc-dispatcher': { A: 'a' }, 'broker-ingress': { B: 'b' } });
  });
});

describe('parseRendered', () => {
  it('drops empty documents and comments', () => {
    expect(parseRendered('---\n# Source: x\n---\na: 1\n---\n')).toEqual([{ a: 1 }]);
  });

  it('refuses text that is not YAML', () => {
    expect(() => parseRendered('a: [1\n')).toThrow(/helm template output is not YAML/);
  });
});
