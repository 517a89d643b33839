import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { crdFiles, installCrds } from './crds.js';
import { kubectl, type KubectlResult } from './kubectl.js';
import { localCluster, uniqueName } from './local-cluster.js';

// The CRDs of deploy/ on the real kube-apiserver: Knative's documentation YAML applies
// unchanged, kubectl shows Knative's columns, and the CEL rules refuse what Knative's
// webhook refuses, with the exact messages a user will read.

const fixturesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures');
const docsDir = join(fixturesDir, 'knative-docs');
const fixtures = [
  ...readdirSync(docsDir).map((f) => join(docsDir, f)),
  join(fixturesDir, 'natss-channel.yaml'),
  join(fixturesDir, 'natsjetstream-channel.yaml'),
].sort();

const kinds: Record<string, string> = {
  'apiserversources.sources.knative.dev': 'apiserversource.sources.knative.dev',
  'brokers.eventing.knative.dev': 'broker.eventing.knative.dev',
  'channels.messaging.knative.dev': 'channel.messaging.knative.dev',
  'containersources.sources.knative.dev': 'containersource.sources.knative.dev',
  'eventtypes.eventing.knative.dev': 'eventtype.eventing.knative.dev',
  'inmemorychannels.messaging.knative.dev': 'inmemorychannel.messaging.knative.dev',
  'kafkachannels.messaging.knative.dev': 'kafkachannel.messaging.knative.dev',
  'natsjetstreamchannels.messaging.knative.dev': 'natsjetstreamchannel.messaging.knative.dev',
  'natsschannels.messaging.knative.dev': 'natsschannel.messaging.knative.dev',
  'parallels.flows.knative.dev': 'parallel.flows.knative.dev',
  'pingsources.sources.knative.dev': 'pingsource.sources.knative.dev',
  'sequences.flows.knative.dev': 'sequence.flows.knative.dev',
  'sinkbindings.sources.knative.dev': 'sinkbinding.sources.knative.dev',
  'subscriptions.messaging.knative.dev': 'subscription.messaging.knative.dev',
  'triggers.eventing.knative.dev': 'trigger.eventing.knative.dev',
};
const type = (plural: string): string => kinds[plural] ?? plural;

/** kubectl in one namespace, with a discovery cache of its own so new CRDs are seen at once. */
function namespacedKubectl(namespace: string, cacheDir: string) {
  return (args: string[], input?: string): Promise<KubectlResult> =>
    kubectl([...args, '-n', namespace, '--cache-dir', cacheDir], { input });
}

/** Column headers of each table kubectl printed (tables start with NAME). */
function headers(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('NAME '))
    .map((line) => line.trim().split(/\s{2,}/));
}

/** Enough of an object to name it in an error. */
interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: object;
}

const skippedRules = /^<nil>: Invalid value: null: some validation rules were not checked/;

/** The causes listed in an API server "is invalid" error, without the note about skipped CEL rules. */
function causes(stderr: string): string[] {
  const detail = stderr.slice(stderr.indexOf(' is invalid: ') + ' is invalid: '.length).trim();
  const list = detail.startsWith('* ') ? detail.slice(2).split(/\n\* /) : [detail];
  return list.map((c) => c.trim()).filter((c) => !skippedRules.test(c));
}

/** The distinct resource types of `kubectl get -o name` output. */
function types(stdout: string): string[] {
  return [
    ...new Set(
      stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(0, l.indexOf('/'))),
    ),
  ].sort();
}

const core = (() => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(localCluster().kubeconfig);
  return kc.makeApiClient(k8s.CoreV1Api);
})();

function useNamespace(prefix: string) {
  const namespace = uniqueName(prefix);
  const cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));
  beforeAll(async () => {
    await installCrds();
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  }, 60_000);
  afterAll(async () => {
    await core.deleteNamespace({ name: namespace });
    rmSync(cacheDir, { recursive: true, force: true });
  });
  return { namespace, k: namespacedKubectl(namespace, cacheDir) };
}

describe('installCrds', () => {
  it('installs one Established CRD per deploy/300-*.yaml, each with a status subresource', async () => {
    const names = await installCrds();
    expect(crdFiles()).toHaveLength(15);
    expect([...names].sort()).toEqual(Object.keys(kinds).sort());

    const kc = new k8s.KubeConfig();
    kc.loadFromFile(localCluster().kubeconfig);
    const extensions = kc.makeApiClient(k8s.ApiextensionsV1Api);
    for (const name of names) {
      const crd = await extensions.readCustomResourceDefinition({ name });
      expect(crd.status?.conditions).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'Established', status: 'True' })]),
      );
      expect(crd.metadata?.labels?.['app.kubernetes.io/part-of']).toBe('knative-ts');
      for (const version of crd.spec.versions) expect(version.subresources?.status).toEqual({});
    }
  }, 60_000);
});

describe('Knative documentation examples', () => {
  const { k } = useNamespace('crd-docs');

  it.each(fixtures.map((f) => [f.slice(fixturesDir.length + 1), f]))(
    'applies %s unchanged',
    async (_name, file) => {
      const text = readFileSync(file, 'utf8');
      const applied = await k(['apply', '-f', '-'], text);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      const documents = text.split(/^---$/m).length;
      expect(applied.stdout.trim().split('\n')).toHaveLength(documents);
      for (const line of applied.stdout.trim().split('\n')) expect(line).toMatch(/ created$/);
    },
  );
});

describe('kubectl get', () => {
  const { namespace, k } = useNamespace('crd-get');

  beforeAll(async () => {
    for (const file of fixtures) {
      const applied = await k(['apply', '-f', file]);
      if (applied.code !== 0) throw new Error(`${file}: ${applied.stderr}`);
    }
  }, 60_000);

  it('shows Knative columns for imc,ch,sub', async () => {
    const got = await k(['get', 'imc,ch,sub']);
    expect(got.code).toBe(0);
    expect(headers(got.stdout)).toEqual([
      ['NAME', 'URL', 'AGE', 'READY', 'REASON'],
      ['NAME', 'URL', 'AGE', 'READY', 'REASON'],
      ['NAME', 'AGE', 'READY', 'REASON'],
    ]);
  });

  it.each([
    ['brokers', ['NAME', 'URL', 'AGE', 'READY', 'REASON', 'CLASS']],
    ['triggers', ['NAME', 'BROKER', 'SUBSCRIBER_URI', 'AGE', 'READY', 'REASON']],
    [
      'eventtypes',
      [
        'NAME',
        'TYPE',
        'SOURCE',
        'REFERENCE NAME',
        'REFERENCE KIND',
        'DESCRIPTION',
        'READY',
        'REASON',
      ],
    ],
    [
      'eventtypes.v1beta2.eventing.knative.dev',
      [
        'NAME',
        'TYPE',
        'SOURCE',
        'SCHEMA',
        'REFERENCE NAME',
        'REFERENCE KIND',
        'DESCRIPTION',
        'READY',
        'REASON',
      ],
    ],
    ['kc', ['NAME', 'READY', 'REASON', 'URL', 'AGE']],
    ['natssc', ['NAME', 'READY', 'REASON', 'URL', 'AGE']],
    ['sequences', ['NAME', 'URL', 'AGE', 'READY', 'REASON']],
    ['parallels', ['NAME', 'URL', 'AGE', 'READY', 'REASON']],
    ['pingsources', ['NAME', 'SINK', 'SCHEDULE', 'AGE', 'READY', 'REASON']],
    ['apiserversources', ['NAME', 'SINK', 'AGE', 'READY', 'REASON']],
    ['containersources', ['NAME', 'SINK', 'AGE', 'READY', 'REASON']],
    ['sinkbindings', ['NAME', 'SINK', 'AGE', 'READY', 'REASON']],
  ])('shows Knative columns for %s', async (resource, expected) => {
    const got = await k(['get', resource]);
    expect(got.code).toBe(0);
    expect(headers(got.stdout)).toEqual([expected]);
  });

  it('fills URL, Ready, Reason and Class from status and the class annotation', async () => {
    const url = `http://my-imc-kn-channel.${namespace}.svc.cluster.local`;
    const status = {
      status: {
        address: { url },
        conditions: [{ type: 'Ready', status: 'False', reason: 'DispatcherNotReady' }],
      },
    };
    const patched = await k([
      'patch',
      'inmemorychannels.messaging.knative.dev',
      'my-imc',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify(status),
    ]);
    expect(patched.stderr).toBe('');
    const row = (await k(['get', 'imc', 'my-imc', '--no-headers'])).stdout.trim().split(/\s{2,}/);
    expect([row[0], row[1], row[3], row[4]]).toEqual([
      'my-imc',
      url,
      'False',
      'DispatcherNotReady',
    ]);

    const broker = (await k(['get', 'brokers', 'configured', '--no-headers'])).stdout.trim();
    expect(broker.split(/\s{2,}/).at(-1)).toBe('MTChannelBasedBroker');
  });

  it('serves the short names ch, imc, sub, kc, natssc and natsjsmc', async () => {
    const got = await k(['get', 'ch,imc,sub,kc,natssc,natsjsmc', '-o', 'name']);
    expect(got.code).toBe(0);
    expect(types(got.stdout)).toEqual(
      [
        'channels.messaging.knative.dev',
        'inmemorychannels.messaging.knative.dev',
        'subscriptions.messaging.knative.dev',
        'kafkachannels.messaging.knative.dev',
        'natsschannels.messaging.knative.dev',
        'natsjetstreamchannels.messaging.knative.dev',
      ]
        .map(type)
        .sort(),
    );
  });

  const plurals = Object.keys(kinds);
  const of = (group: string) => plurals.filter((p) => p.endsWith(group));
  it.each([
    ['knative', plurals],
    ['eventing', of('.eventing.knative.dev')],
    ['messaging', of('.messaging.knative.dev')],
    ['channel', of('channels.messaging.knative.dev')],
    ['flows', of('.flows.knative.dev')],
    ['sources', of('.sources.knative.dev')],
    ['bindings', ['sinkbindings.sources.knative.dev']],
  ])('lists the kinds of category %s', async (category, expected) => {
    const got = await k(['get', category, '-o', 'name']);
    expect(got.stderr).toBe('');
    expect(types(got.stdout)).toEqual(expected.map(type).sort());
  });

  it('lists every kind under category all', async () => {
    const got = await k(['get', 'all', '-o', 'name']);
    expect(types(got.stdout)).toEqual(expect.arrayContaining(plurals.map(type)));
  });
});

describe('validation rules', () => {
  const { k } = useNamespace('crd-rules');

  beforeAll(async () => {
    for (const file of fixtures) {
      const applied = await k(['apply', '-f', file]);
      if (applied.code !== 0) throw new Error(`${file}: ${applied.stderr}`);
    }
  }, 60_000);

  const mergePatch = (resource: string, name: string, patch: object) =>
    k(['patch', resource, name, '--type=merge', '-p', JSON.stringify(patch)]);

  it.each<[string, string, string, string, object, string]>([
    [
      'Trigger',
      'triggers.eventing.knative.dev',
      'my-service-trigger',
      'spec.broker',
      { spec: { broker: 'other' } },
      'spec.broker: Invalid value: "string": spec.broker is immutable',
    ],
    [
      'Subscription',
      'subscriptions.messaging.knative.dev',
      'mysubscription',
      'spec.channel',
      { spec: { channel: { name: 'other' } } },
      'spec.channel: Invalid value: "object": spec.channel is immutable',
    ],
    [
      'Channel',
      'channels.messaging.knative.dev',
      'my-channel',
      'spec.channelTemplate',
      { spec: { channelTemplate: { kind: 'KafkaChannel' } } },
      'spec.channelTemplate: Invalid value: "object": spec.channelTemplate is immutable',
    ],
    [
      'Channel',
      'channels.messaging.knative.dev',
      'my-channel',
      'spec.channelTemplate (removed)',
      { spec: { channelTemplate: null } },
      'spec: Invalid value: "object": spec.channelTemplate is immutable',
    ],
    [
      'Broker',
      'brokers.eventing.knative.dev',
      'configured',
      'spec.config',
      { spec: { config: { name: 'other' } } },
      'spec.config: Invalid value: "object": spec.config is immutable',
    ],
    [
      'Broker',
      'brokers.eventing.knative.dev',
      'configured',
      'spec.config (removed)',
      { spec: { config: null } },
      'spec: Invalid value: "object": spec.config is immutable',
    ],
    [
      'KafkaChannel',
      'kafkachannels.messaging.knative.dev',
      'my-kafka-channel',
      'spec.numPartitions',
      { spec: { numPartitions: 6 } },
      'spec.numPartitions: Invalid value: "integer": spec.numPartitions is immutable',
    ],
    [
      'KafkaChannel',
      'kafkachannels.messaging.knative.dev',
      'my-kafka-channel',
      'spec.replicationFactor',
      { spec: { replicationFactor: 3 } },
      'spec.replicationFactor: Invalid value: "integer": spec.replicationFactor is immutable',
    ],
    [
      'KafkaChannel',
      'kafkachannels.messaging.knative.dev',
      'my-kafka-channel',
      'spec.retentionDuration',
      { spec: { retentionDuration: 'PT24H' } },
      'spec.retentionDuration: Invalid value: "string": spec.retentionDuration is immutable',
    ],
  ])('refuses a change of %s %s', async (kind, resource, name, _field, patch, message) => {
    const refused = await mergePatch(resource, name, patch);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim()).toBe(`The ${kind} "${name}" is invalid: ${message}`);
  });

  it.each<[string, string, string, object]>([
    [
      'a Trigger subscriber',
      'triggers.eventing.knative.dev',
      'my-service-trigger',
      { spec: { subscriber: { uri: 'http://other.example' } } },
    ],
    [
      'a Broker delivery',
      'brokers.eventing.knative.dev',
      'configured',
      { spec: { delivery: { retry: 1 } } },
    ],
    [
      'a Subscription subscriber',
      'subscriptions.messaging.knative.dev',
      'mysubscription',
      { spec: { subscriber: { uri: 'http://other.example' } } },
    ],
    [
      'a KafkaChannel delivery',
      'kafkachannels.messaging.knative.dev',
      'my-kafka-channel',
      { spec: { delivery: { retry: 2 } } },
    ],
  ])('accepts a change of %s', async (_what, resource, name, patch) => {
    const accepted = await mergePatch(resource, name, patch);
    expect(accepted.stderr).toBe('');
    expect(accepted.stdout.trim()).toMatch(/ patched$/);
  });

  it('lets the controller default a Channel without channelTemplate once', async () => {
    const bare = {
      apiVersion: 'messaging.knative.dev/v1',
      kind: 'Channel',
      metadata: { name: 'bare' },
    };
    expect((await k(['apply', '-f', '-'], JSON.stringify(bare))).code).toBe(0);
    const template = { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' };
    const defaulted = await mergePatch('channels.messaging.knative.dev', 'bare', {
      spec: { channelTemplate: template },
    });
    expect(defaulted.stderr).toBe('');
  });

  it('defaults the KafkaChannel topic settings as Knative does', async () => {
    const kc = {
      apiVersion: 'messaging.knative.dev/v1beta1',
      kind: 'KafkaChannel',
      metadata: { name: 'defaults' },
    };
    expect((await k(['apply', '-f', '-'], JSON.stringify(kc))).code).toBe(0);
    const spec = await k([
      'get',
      'kafkachannels.messaging.knative.dev',
      'defaults',
      '-o',
      'jsonpath={.spec}',
    ]);
    expect(JSON.parse(spec.stdout)).toEqual({
      numPartitions: 1,
      replicationFactor: 1,
      retentionDuration: 'PT168H',
    });
  });

  const sink = { uri: 'http://sink.example' };
  const trigger = (name: string, spec: object) => ({
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    metadata: { name },
    spec: { broker: 'default', subscriber: sink, ...spec },
  });
  const ping = (name: string, spec: object) => ({
    apiVersion: 'sources.knative.dev/v1',
    kind: 'PingSource',
    metadata: { name },
    spec: { schedule: '*/1 * * * *', sink, ...spec },
  });

  it.each<[string, KubeObject, string]>([
    [
      'PingSource with data and dataBase64',
      ping('both', { data: '{}', dataBase64: 'e30=' }),
      'spec: Invalid value: "object": data and dataBase64 are mutually exclusive: set only one',
    ],
    [
      'PingSource with @every',
      ping('every', { schedule: '@every 1m' }),
      'spec.schedule: Invalid value: "string": schedule: @every is not supported, use a cron expression',
    ],
    [
      'bad backoffPolicy',
      trigger('policy', { delivery: { backoffPolicy: 'fibonacci' } }),
      'spec.delivery.backoffPolicy: Unsupported value: "fibonacci": supported values: "linear", "exponential"',
    ],
    [
      'bad delivery format',
      trigger('format', { delivery: { format: 'xml' } }),
      'spec.delivery.format: Unsupported value: "xml": supported values: "json", "binary"',
    ],
    [
      'negative retry',
      trigger('retry', { delivery: { retry: -1 } }),
      'spec.delivery.retry: Invalid value: -1: spec.delivery.retry in body should be greater than or equal to 0',
    ],
    [
      'bad backoffDelay',
      trigger('delay', { delivery: { backoffDelay: '5s' } }),
      'spec.delivery.backoffDelay: Invalid value: "string": backoffDelay must be an ISO-8601 duration, e.g. PT0.2S',
    ],
    [
      'bad timeout',
      trigger('timeout', { delivery: { timeout: 'PT' } }),
      'spec.delivery.timeout: Invalid value: "string": timeout must be an ISO-8601 duration, e.g. PT30S',
    ],
    [
      'bad retryAfterMax',
      trigger('retryafter', { delivery: { retryAfterMax: '1m' } }),
      'spec.delivery.retryAfterMax: Invalid value: "string": retryAfterMax must be an ISO-8601 duration, e.g. PT1M',
    ],
    [
      'bad dead letter sink',
      trigger('dls', { delivery: { deadLetterSink: {} } }),
      'spec.delivery.deadLetterSink: Invalid value: "object": expected at least one of ref or uri',
    ],
    [
      'uppercase filter attribute',
      trigger('upper', { filter: { attributes: { Type: 'x' } } }),
      'spec.filter.attributes: Invalid value: "object": filter.attributes keys must be CloudEvents attribute names: lowercase letters and digits, starting with a letter',
    ],
    [
      'uppercase exact attribute',
      trigger('exact', { filters: [{ exact: { Source: 'x' } }] }),
      'spec.filters[0].exact: Invalid value: "object": exact keys must be CloudEvents attribute names: lowercase letters and digits, starting with a letter',
    ],
    [
      'two dialects in one filter',
      trigger('dialects', { filters: [{ exact: { type: 'a' }, cesql: "type = 'a'" }] }),
      'spec.filters[0]: Invalid value: "object": multiple dialects found, filters can have only one dialect set',
    ],
    [
      'reference without apiVersion',
      trigger('ref', { subscriber: { ref: { kind: 'Service', name: 'x' } } }),
      'spec.subscriber.ref: Invalid value: "object": a reference needs apiVersion (or group)',
    ],
    [
      'bad KafkaChannel retentionDuration',
      {
        apiVersion: 'messaging.knative.dev/v1beta1',
        kind: 'KafkaChannel',
        metadata: { name: 'retention' },
        spec: { retentionDuration: '7d' },
      },
      'spec.retentionDuration: Invalid value: "string": retentionDuration must be an ISO-8601 duration, e.g. PT168H',
    ],
    [
      'bad subscriber delivery on a channel',
      {
        apiVersion: 'messaging.knative.dev/v1',
        kind: 'InMemoryChannel',
        metadata: { name: 'subdelivery' },
        spec: {
          subscribers: [{ uid: 'u', subscriberUri: 'http://s', delivery: { backoffDelay: '1s' } }],
        },
      },
      'spec.subscribers[0].delivery.backoffDelay: Invalid value: "string": backoffDelay must be an ISO-8601 duration, e.g. PT0.2S',
    ],
    [
      'bad ApiServerSource mode',
      {
        apiVersion: 'sources.knative.dev/v1',
        kind: 'ApiServerSource',
        metadata: { name: 'mode' },
        spec: { mode: 'Everything', resources: [{ apiVersion: 'v1', kind: 'Event' }], sink },
      },
      'spec.mode: Unsupported value: "Everything": supported values: "Reference", "Resource"',
    ],
    [
      'SinkBinding subject with name and selector',
      {
        apiVersion: 'sources.knative.dev/v1',
        kind: 'SinkBinding',
        metadata: { name: 'subject' },
        spec: {
          subject: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'd',
            selector: { matchLabels: { app: 'd' } },
          },
          sink,
        },
      },
      'spec.subject: Invalid value: "object": subject: expected exactly one of name or selector',
    ],
  ])('refuses %s', async (_what, object, message) => {
    const refused = await k(['apply', '-f', '-'], JSON.stringify(object));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`The ${object.kind} "${object.metadata.name}" is invalid: `);
    expect(causes(refused.stderr)).toEqual([message]);
  });

  it.each(['PT0.2S', 'PT1S', 'PT1M', 'PT168H', 'P1D', 'P1DT12H', 'PT1H30M', 'PT0,5S', 'P1W'])(
    'accepts the ISO-8601 duration %s',
    async (duration) => {
      const name = `duration-${duration.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
      const object = trigger(name, {
        delivery: { backoffDelay: duration, timeout: duration, retryAfterMax: duration },
      });
      const applied = await k(['apply', '-f', '-'], JSON.stringify(object));
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
    },
  );
});
