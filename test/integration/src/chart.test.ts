import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKubeClient, loadKubeConfig } from '@knative-ts/kube';
import { crdFiles, deployDir } from './crds.js';
import { installServingServiceCrd } from './eventing-sandbox.js';
import { helm, kubectl, type KubectlResult } from './kubectl.js';
import { eventually, localCluster, uniqueName } from './local-cluster.js';
import { parseAllDocuments } from 'yaml';

// The Helm chart on the real local control plane: lint, the CRD copy and deploy/eventing.yaml
// in step with their sources, install / upgrade / uninstall, and least-privilege RBAC asked
// of the API server itself (`kubectl auth can-i --as=<ServiceAccount>`). No kubelet runs
// here, so pods never start: the tests assert objects, not pods.

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const chartDir = join(repoRoot, 'charts/eventing');
const chartCrdsDir = join(chartDir, 'files/crds');
const manifestsFile = join(deployDir, 'eventing.yaml');
const namespaceFile = join(deployDir, '100-namespace.yaml');

/** Fails with the command's output when it did not exit 0. */
function ok(result: KubectlResult, what: string): KubectlResult {
  if (result.code !== 0) {
    throw new Error(`${what} exited ${result.code}\n${result.stderr}\n${result.stdout}`);
  }
  return result;
}

/** Names of the objects of `kinds` (comma-separated) in `namespace`, sorted. */
async function names(kinds: string, namespace: string): Promise<string[]> {
  const out = ok(
    await kubectl([
      'get',
      kinds,
      '-n',
      namespace,
      '-o',
      'name',
      '-l',
      'app.kubernetes.io/part-of=knative-ts',
    ]),
    `kubectl get ${kinds}`,
  ).stdout;
  return out.split('\n').filter(Boolean).sort();
}

/** A JSON object read with kubectl, or undefined when it does not exist. */
async function getJson<T>(args: string[]): Promise<T | undefined> {
  const result = await kubectl(['get', ...args, '-o', 'json']);
  if (result.code !== 0 && /NotFound|not found/.test(result.stderr)) return undefined;
  return JSON.parse(ok(result, `kubectl get ${args.join(' ')}`).stdout) as T;
}

/** `kubectl auth can-i` as a ServiceAccount: true for yes, false for no. */
async function canI(sa: string, args: string[]): Promise<boolean> {
  const result = await kubectl(['auth', 'can-i', `--as=${sa}`, ...args]);
  if (result.code !== 0 && result.stdout.trim() !== 'no') {
    throw new Error(`kubectl auth can-i ${args.join(' ')}: ${result.stderr}`);
  }
  return result.stdout.trim() === 'yes';
}

/** The first line where `actual` and `expected` differ, with both versions; undefined when equal. */
function firstDifference(actual: string, expected: string): string | undefined {
  if (actual === expected) return undefined;
  const a = actual.split('\n');
  const e = expected.split('\n');
  const i = e.findIndex((line, n) => line !== a[n]);
  const at = i === -1 ? e.length : i;
  return `deploy/eventing.yaml is out of date (run 'npm run manifests'): rendered line ${at + 1} is ${JSON.stringify(e[at])}, the file has ${JSON.stringify(a[at])}`;
}

interface ConfigMap {
  data?: Record<string, string>;
}
interface Crd {
  metadata: { annotations?: Record<string, string> };
}

const apps = [
  'broker-filter',
  'broker-ingress',
  'eventing-controller',
  'imc-dispatcher',
  'ping-adapter',
];
const configMaps = [
  'config-br-default-channel',
  'config-br-defaults',
  'config-features',
  'config-logging',
  'config-nats',
  'config-observability',
  'default-ch-webhook',
  'kafka-channel-config',
];
const crdNames = crdFiles().map((file) => {
  const [, name] = /^\s{2}name: (\S+)$/m.exec(readFileSync(join(deployDir, file), 'utf8')) ?? [];
  if (!name) throw new Error(`${file}: no metadata.name`);
  return name;
});

describe('charts/eventing', () => {
  const namespace = uniqueName('kn-eventing');
  const release = 'eventing';
  const sa = (app: string): string => `system:serviceaccount:${namespace}:${app}`;
  const clusterName = (app: string): string => `${namespace}-${app}`;
  // Helm 4 installs with server-side apply. The CRDs are shared with every other suite
  // (installCrds applies the same files): adopt them (--take-ownership), force over other
  // field managers (--force-conflicts); their keep policy means uninstall leaves them.
  const shared = ['--namespace', namespace, '--take-ownership', '--force-conflicts'];
  let installed = false;

  afterAll(async () => {
    if (installed) await helm(['uninstall', release, '--namespace', namespace]);
    // Helm's ownership annotations would stop the next adopter without --take-ownership.
    for (const crd of crdNames) {
      const got = await getJson<Crd>(['crd', crd]);
      if (got?.metadata.annotations?.['meta.helm.sh/release-namespace'] === namespace) {
        await kubectl([
          'annotate',
          'crd',
          crd,
          'meta.helm.sh/release-name-',
          'meta.helm.sh/release-namespace-',
        ]);
      }
    }
    await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
  });

  it('passes helm lint --strict', async () => {
    const result = ok(await helm(['lint', '--strict', chartDir]), 'helm lint');
    expect(result.stdout).toContain('0 chart(s) failed');
  });

  it('carries a byte-for-byte copy of deploy/300-*.yaml (npm run manifests)', () => {
    const copies = readdirSync(chartCrdsDir).sort();
    expect(copies).toEqual(crdFiles());
    for (const file of copies) {
      const copy = readFileSync(join(chartCrdsDir, file), 'utf8');
      expect({ file, same: copy === readFileSync(join(deployDir, file), 'utf8') }).toEqual({
        file,
        same: true,
      });
    }
  });

  it('renders exactly deploy/eventing.yaml with its default values (npm run manifests)', async () => {
    const rendered = ok(
      await helm(['template', release, chartDir, '--namespace', 'knative-eventing']),
      'helm template',
    ).stdout;
    const manifests = readFileSync(manifestsFile, 'utf8');
    expect(firstDifference(manifests.slice(-rendered.length), rendered)).toBeUndefined();
    // What precedes the rendered chart: the generated-file header, then the Namespace.
    const preface = manifests.slice(0, manifests.length - rendered.length);
    const namespaceDoc = readFileSync(namespaceFile, 'utf8');
    expect(preface.endsWith(namespaceDoc)).toBe(true);
    const header = preface.slice(0, preface.length - namespaceDoc.length).split('\n');
    expect(header.filter((line) => line !== '' && line !== '---' && !line.startsWith('#'))).toEqual(
      [],
    );
  });

  it.each([
    [
      'an unknown key',
      ['--set', 'controler.replicas=2'],
      "additional properties 'controler' not allowed",
    ],
    [
      'a dispatcher without its backend',
      ['--set', 'kafkaChannelDispatcher.enabled=true'],
      '/kafka/bootstrapServers',
    ],
    ['a Node flag that is not a --flag', ['--set-json', 'nodeFlags=["-e x"]'], '/nodeFlags/0'],
    [
      'a negative malloc threshold',
      ['--set', 'mallocMmapThresholdBytes=-1'],
      '/mallocMmapThresholdBytes',
    ],
  ])('rejects values its schema does not allow: %s', async (_case, args, message) => {
    const result = await helm(['template', release, chartDir, ...args]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(message);
  });

  it('runs each app as node <nodeFlags> dist/main.js; an app may replace the flags', async () => {
    const rendered = ok(
      await helm([
        'template',
        release,
        chartDir,
        '--set-json',
        'controller.nodeFlags=["--max-old-space-size=300"]',
        '--set-json',
        'brokerFilter.nodeFlags=[]',
      ]),
      'helm template',
    ).stdout;
    type Deployment = {
      kind?: string;
      metadata?: { name?: string };
      spec?: { template?: { spec?: { containers?: { command?: string[] }[] } } };
    };
    const commands = Object.fromEntries(
      parseAllDocuments(rendered)
        .map((d) => d.toJS() as Deployment | null)
        .filter((d): d is Deployment => d?.kind === 'Deployment')
        .map((d) => [d.metadata?.name, d.spec?.template?.spec?.containers?.[0]?.command]),
    );
    const defaults = ['--max-semi-space-size=4', '--heap-growing-percent=30'];
    expect(commands).toEqual({
      'eventing-controller': ['node', '--max-old-space-size=300', 'dist/main.js'],
      'broker-filter': ['node', 'dist/main.js'],
      'broker-ingress': ['node', ...defaults, 'dist/main.js'],
      'imc-dispatcher': ['node', ...defaults, 'dist/main.js'],
      'ping-adapter': ['node', ...defaults, 'dist/main.js'],
    });
  });

  it.each([
    ['the default', [], '131072'],
    ['another threshold', ['--set', 'mallocMmapThresholdBytes=262144'], '262144'],
    ["glibc's own (0)", ['--set', 'mallocMmapThresholdBytes=0'], undefined],
  ])("sets every app's malloc mmap threshold: %s", async (_case, args, expected) => {
    const rendered = ok(await helm(['template', release, chartDir, ...args]), 'helm template');
    type Deployment = {
      kind?: string;
      spec?: {
        template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } };
      };
    };
    const thresholds = parseAllDocuments(rendered.stdout)
      .map((d) => d.toJS() as Deployment | null)
      .filter((d): d is Deployment => d?.kind === 'Deployment')
      .map((d) => {
        const env = d.spec?.template?.spec?.containers?.[0]?.env ?? [];
        return env.find((e) => e.name === 'MALLOC_MMAP_THRESHOLD_')?.value;
      });
    expect(thresholds).toHaveLength(5);
    expect(new Set(thresholds)).toEqual(new Set([expected]));
  });

  it('grants the durable channel dispatchers read on Triggers and Brokers, as imc-dispatcher', async () => {
    // Each skips the request to broker-filter for a Trigger that filters the event out, and
    // serves the others in-process with the timeout their Broker gives them.
    const rendered = ok(
      await helm([
        'template',
        release,
        chartDir,
        '--namespace',
        namespace,
        '--set',
        'kafkaChannelDispatcher.enabled=true,kafka.bootstrapServers=kafka:9092',
        '--set',
        'natssChannelDispatcher.enabled=true,nats.url=nats://nats:4222',
      ]),
      'helm template',
    ).stdout;
    type Role = { kind?: string; metadata?: { name?: string }; rules?: unknown[] };
    const roles = parseAllDocuments(rendered)
      .map((d) => d.toJS() as Role | null)
      .filter((d): d is Role => d?.kind === 'ClusterRole');
    const triggerRule = {
      apiGroups: ['eventing.knative.dev'],
      resources: ['triggers', 'brokers'],
      verbs: ['get', 'list', 'watch'],
    };
    for (const app of ['imc-dispatcher', 'kafka-channel-dispatcher', 'natss-channel-dispatcher']) {
      const role = roles.find((r) => r.metadata?.name === clusterName(app));
      expect({ app, rules: role?.rules }).toEqual({
        app,
        rules: expect.arrayContaining([triggerRule]),
      });
    }
  });

  it('deploy/eventing.yaml applies without Helm (server-side dry run)', async () => {
    ok(await kubectl(['create', 'namespace', namespace]), 'kubectl create namespace');
    // Every object as it stands in the file, moved to this run's namespace (and cluster names).
    const manifests = readFileSync(manifestsFile, 'utf8').replaceAll('knative-eventing', namespace);
    const result = ok(
      await kubectl(
        ['apply', '--server-side', '--force-conflicts', '--dry-run=server', '-f', '-'],
        { input: manifests },
      ),
      'kubectl apply --dry-run=server -f deploy/eventing.yaml',
    );
    expect(result.stdout).toContain(
      `deployment.apps/imc-dispatcher serverside-applied (server dry run)`,
    );
    expect(result.stdout).toContain(
      'customresourcedefinition.apiextensions.k8s.io/brokers.eventing.knative.dev serverside-applied (server dry run)',
    );
  });

  it('helm install leaves every expected object', async () => {
    const result = ok(
      await helm(['install', release, chartDir, ...shared, '--set', 'crds.install=true']),
      'helm install',
    );
    installed = true;
    expect(result.stdout).toContain('STATUS: deployed');
    expect(result.stdout).toContain(`kubectl -n ${namespace} rollout status deployment`);

    expect(await names('deployments', namespace)).toEqual(apps.map((a) => `deployment.apps/${a}`));
    // The adapter's Service keeps Knative's name, which the PingSource reconciler checks.
    const serviceOf = (app: string) => (app === 'ping-adapter' ? 'pingsource-mt-adapter' : app);
    // Plus Knative's eventing-webhook: the controller's EventType conversion webhook.
    expect(await names('services', namespace)).toEqual(
      [...apps.map((a) => `service/${serviceOf(a)}`), 'service/eventing-webhook'].sort(),
    );
    expect(await names('serviceaccounts', namespace)).toEqual(
      apps.map((a) => `serviceaccount/${a}`),
    );
    expect(await names('configmaps', namespace)).toEqual(configMaps.map((c) => `configmap/${c}`));
    // The Redis URL may carry a password: it is a Secret, and the apps read it from there.
    expect(await getJson(['secret', 'eventing-redis', '-n', namespace])).toBeDefined();
    const ingress = await getJson<{
      spec: { template: { spec: { containers: Array<{ env: Array<Record<string, unknown>> }> } } };
    }>(['deployment', 'broker-ingress', '-n', namespace]);
    expect(ingress?.spec.template.spec.containers[0]?.env).toContainEqual({
      name: 'REDIS_URL',
      valueFrom: { secretKeyRef: { name: 'eventing-redis', key: 'url', optional: true } },
    });
    expect(await names('roles,rolebindings', namespace)).toEqual([
      'role.rbac.authorization.k8s.io/eventing-controller-leases',
      'rolebinding.rbac.authorization.k8s.io/eventing-controller-leases',
    ]);
    for (const app of apps) {
      expect(await getJson(['clusterrole', clusterName(app)])).toBeDefined();
      expect(await getJson(['clusterrolebinding', clusterName(app)])).toBeDefined();
    }
    for (const crd of crdNames) {
      const got = await getJson<Crd>(['crd', crd]);
      expect({ crd, keep: got?.metadata.annotations?.['helm.sh/resource-policy'] }).toEqual({
        crd,
        keep: 'keep',
      });
    }

    const deployment = await getJson<{
      spec: {
        template: {
          spec: {
            serviceAccountName: string;
            securityContext: { runAsNonRoot: boolean; seccompProfile: { type: string } };
            containers: Array<{
              env: Array<{ name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
              securityContext: {
                readOnlyRootFilesystem: boolean;
                capabilities: { drop: string[] };
              };
              livenessProbe: { httpGet: { path: string; port: string } };
              readinessProbe: { httpGet: { path: string; port: string } };
              ports: Array<{ name: string; containerPort: number }>;
            }>;
          };
        };
      };
    }>(['deployment', 'imc-dispatcher', '-n', namespace]);
    const pod = deployment?.spec.template.spec;
    const container = pod?.containers[0];
    expect(pod?.serviceAccountName).toBe('imc-dispatcher');
    expect(pod?.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container?.livenessProbe.httpGet).toEqual({
      path: '/healthz',
      port: 'http-metrics',
      scheme: 'HTTP',
    });
    expect(container?.readinessProbe.httpGet).toEqual({
      path: '/readyz',
      port: 'http-metrics',
      scheme: 'HTTP',
    });
    expect(container?.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'http-metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
    expect(container?.env.find((e) => e.name === 'SYSTEM_NAMESPACE')?.valueFrom).toEqual({
      fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' },
    });

    const service = await getJson<{ spec: { ports: Array<{ name: string; port: number }> } }>([
      'service',
      'broker-ingress',
      '-n',
      namespace,
    ]);
    expect(service?.spec.ports).toContainEqual(
      expect.objectContaining({ name: 'http', port: 80, targetPort: 'http' }),
    );
    const brDefaults = await getJson<ConfigMap>([
      'configmap',
      'config-br-defaults',
      '-n',
      namespace,
    ]);
    expect(brDefaults?.data?.['default-br-config']).toContain(`namespace: ${namespace}`);
  }, 180_000);

  it.each([
    // [app, can-i arguments, expected]
    [
      'imc-dispatcher',
      ['patch', 'inmemorychannels.messaging.knative.dev', '--subresource=status', '-A'],
      true,
    ],
    // It patches status.subscribers; it never replaces a channel's whole status.
    [
      'imc-dispatcher',
      ['update', 'inmemorychannels.messaging.knative.dev', '--subresource=status', '-A'],
      false,
    ],
    ['imc-dispatcher', ['watch', 'inmemorychannels.messaging.knative.dev', '-A'], true],
    ['imc-dispatcher', ['create', 'inmemorychannels.messaging.knative.dev', '-A'], false],
    [
      'imc-dispatcher',
      ['update', 'kafkachannels.messaging.knative.dev', '--subresource=status', '-A'],
      false,
    ],
    ['imc-dispatcher', ['list', 'secrets', '-A'], false],
    // Triggers (and their Brokers' timeouts) are read to serve broker-filter's work for
    // known Triggers in-process, and to skip a Trigger that filters the event out.
    ['imc-dispatcher', ['watch', 'triggers.eventing.knative.dev', '-A'], true],
    ['imc-dispatcher', ['update', 'triggers.eventing.knative.dev', '-A'], false],
    ['imc-dispatcher', ['watch', 'brokers.eventing.knative.dev', '-A'], true],
    ['broker-filter', ['watch', 'triggers.eventing.knative.dev', '-A'], true],
    ['broker-filter', ['create', 'deployments.apps', '-n', 'default'], false],
    // A Trigger's delivery inherits its Broker's timeout (the chart grants read).
    ['broker-filter', ['list', 'brokers.eventing.knative.dev', '-A'], true],
    ['broker-filter', ['update', 'brokers.eventing.knative.dev', '-A'], false],
    ['broker-ingress', ['list', 'brokers.eventing.knative.dev', '-A'], true],
    [
      'broker-ingress',
      ['update', 'brokers.eventing.knative.dev', '--subresource=status', '-A'],
      false,
    ],
    ['broker-ingress', ['get', 'configmaps', '-A'], false],
    ['broker-ingress', ['create', 'eventtypes.eventing.knative.dev', '-n', 'default'], true],
    ['broker-filter', ['patch', 'eventtypes.eventing.knative.dev', '-n', 'default'], true],
    ['imc-dispatcher', ['create', 'eventtypes.eventing.knative.dev', '-n', 'default'], true],
    ['imc-dispatcher', ['delete', 'eventtypes.eventing.knative.dev', '-n', 'default'], false],
    ['ping-adapter', ['watch', 'pingsources.sources.knative.dev', '-A'], true],
    ['ping-adapter', ['get', 'secrets', '-A'], false],
    [
      'eventing-controller',
      ['update', 'brokers.eventing.knative.dev', '--subresource=status', '-A'],
      true,
    ],
    [
      'eventing-controller',
      ['create', 'subscriptions.messaging.knative.dev', '-n', 'default'],
      true,
    ],
    [
      'eventing-controller',
      ['create', 'kafkachannels.messaging.knative.dev', '-n', 'default'],
      true,
    ],
    ['eventing-controller', ['create', 'services', '-n', 'default'], true],
    ['eventing-controller', ['create', 'deployments.apps', '-n', 'default'], true],
    ['eventing-controller', ['watch', 'endpointslices.discovery.k8s.io', '-A'], true],
    ['eventing-controller', ['create', 'events', '-n', 'default'], true],
    ['eventing-controller', ['create', 'subjectaccessreviews.authorization.k8s.io'], true],
    ['eventing-controller', ['list', 'secrets', '-A'], false],
    ['eventing-controller', ['watch', 'namespaces'], true],
    ['eventing-controller', ['watch', 'rolebindings.rbac.authorization.k8s.io', '-A'], true],
    ['eventing-controller', ['watch', 'clusterroles.rbac.authorization.k8s.io'], true],
    ['eventing-controller', ['update', 'deployments.apps', '-n', 'default'], true],
    ['eventing-controller', ['update', 'cronjobs.batch', '-n', 'default'], true],
    ['eventing-controller', ['create', 'sinkbindings.sources.knative.dev', '-n', 'default'], true],
    ['eventing-controller', ['update', 'roles.rbac.authorization.k8s.io', '-n', 'default'], false],
    [
      'eventing-controller',
      ['patch', 'customresourcedefinitions.apiextensions.k8s.io/eventtypes.eventing.knative.dev'],
      true,
    ],
    [
      'eventing-controller',
      ['patch', 'customresourcedefinitions.apiextensions.k8s.io/brokers.eventing.knative.dev'],
      false,
    ],
    [
      'eventing-controller',
      ['create', 'rolebindings.rbac.authorization.k8s.io', '-n', 'default'],
      false,
    ],
    ['eventing-controller', ['update', 'configmaps', '-A'], false],
    ['eventing-controller', ['update', 'leases.coordination.k8s.io', '-n', 'default'], false],
  ] as Array<[string, string[], boolean]>)(
    'RBAC: %s can-i %j is %s',
    async (app, args, expected) => {
      expect(await canI(sa(app), args)).toBe(expected);
    },
  );

  it('RBAC: the controller holds the leader Lease only in its namespace', async () => {
    // Namespaced: asked in the release namespace (not known to it.each at definition time).
    expect(
      await canI(sa('eventing-controller'), [
        'update',
        'leases.coordination.k8s.io',
        '-n',
        namespace,
      ]),
    ).toBe(true);
    expect(await canI(sa('eventing-controller'), ['get', 'secrets', '-n', namespace])).toBe(false);
  });

  it('RBAC: Knative Services are addressable through the aggregated resolver role', async () => {
    // `kubectl auth can-i` resolves the resource through discovery, so Knative Serving's
    // Service must be served (our stand-in CRD) whichever suite ran first.
    const client = createKubeClient(
      loadKubeConfig({ env: { KUBECONFIG: localCluster().kubeconfig } }),
    );
    await installServingServiceCrd(
      client,
      join(repoRoot, 'test/integration/fixtures/channels/knative-serving-service-crd.yaml'),
    );
    // kube-controller-manager copies the labelled rules into the aggregated ClusterRole.
    await eventually(
      'the addressable-resolver aggregation',
      async () =>
        (await canI(sa('eventing-controller'), ['watch', 'services.serving.knative.dev', '-A'])) ||
        undefined,
    );
    expect(await canI(sa('broker-filter'), ['watch', 'services.serving.knative.dev', '-A'])).toBe(
      false,
    );
  });

  it('helm upgrade with changed values changes the objects', async () => {
    const kafka = localCluster().kafkaBrokers.join(',');
    ok(
      await helm([
        'upgrade',
        release,
        chartDir,
        ...shared,
        '--set',
        'crds.install=true',
        '--set',
        'imcDispatcher.replicas=3',
        '--set',
        'defaultChannel.apiVersion=messaging.knative.dev/v1beta1,defaultChannel.kind=KafkaChannel',
        '--set',
        `kafkaChannelDispatcher.enabled=true,kafka.bootstrapServers=${kafka}`,
        '--set',
        'logLevels.broker-filter=debug',
      ]),
      'helm upgrade',
    );
    const imc = await getJson<{ spec: { replicas: number } }>([
      'deployment',
      'imc-dispatcher',
      '-n',
      namespace,
    ]);
    expect(imc?.spec.replicas).toBe(3);
    const ch = await getJson<ConfigMap>(['configmap', 'default-ch-webhook', '-n', namespace]);
    expect(ch?.data?.['default-ch-config']).toContain('kind: KafkaChannel');
    const br = await getJson<ConfigMap>([
      'configmap',
      'config-br-default-channel',
      '-n',
      namespace,
    ]);
    expect(br?.data?.['channel-template-spec']).toContain('kind: KafkaChannel');
    const kafkaConfig = await getJson<ConfigMap>([
      'configmap',
      'kafka-channel-config',
      '-n',
      namespace,
    ]);
    expect(kafkaConfig?.data).toEqual({ 'bootstrap.servers': kafka });
    const logging = await getJson<ConfigMap>(['configmap', 'config-logging', '-n', namespace]);
    expect(logging?.data?.['loglevel.broker-filter']).toBe('debug');
    expect(await names('deployments', namespace)).toContain(
      'deployment.apps/kafka-channel-dispatcher',
    );
    expect(
      await canI(sa('kafka-channel-dispatcher'), [
        'watch',
        'kafkachannels.messaging.knative.dev',
        '-A',
      ]),
    ).toBe(true);
    // Triggers are read to skip broker-filter for a Trigger that filters the event out.
    expect(
      await canI(sa('kafka-channel-dispatcher'), ['watch', 'triggers.eventing.knative.dev', '-A']),
    ).toBe(true);
    expect(
      await canI(sa('kafka-channel-dispatcher'), ['update', 'triggers.eventing.knative.dev', '-A']),
    ).toBe(false);
    // Subscriber readiness of KafkaChannels is the controller's to write.
    expect(
      await canI(sa('kafka-channel-dispatcher'), [
        'update',
        'kafkachannels.messaging.knative.dev',
        '--subresource=status',
        '-A',
      ]),
    ).toBe(false);
  }, 180_000);

  it('helm uninstall removes the namespaced and cluster objects and keeps the CRDs', async () => {
    ok(await helm(['uninstall', release, '--namespace', namespace, '--wait']), 'helm uninstall');
    installed = false;
    expect(
      await names('deployments,services,serviceaccounts,configmaps,roles,rolebindings', namespace),
    ).toEqual([]);
    expect(await getJson(['clusterrole', clusterName('eventing-controller')])).toBeUndefined();
    expect(await getJson(['clusterrolebinding', clusterName('imc-dispatcher')])).toBeUndefined();
    for (const crd of crdNames) {
      expect({ crd, kept: (await getJson(['crd', crd])) !== undefined }).toEqual({
        crd,
        kept: true,
      });
    }
  }, 180_000);
});
