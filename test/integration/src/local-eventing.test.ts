import { readFileSync } from 'node:fs';
import { isNotFound, type KubeObject } from '@knative-ts/kube';
import { installCrds } from './crds.js';
import { eventually, localCluster, uniqueName } from './local-cluster.js';
import {
  localOverrides,
  localPodName,
  mainOf,
  post,
  renderSuiteChart,
  startLocalEventing,
  type EventingApp,
  type LocalEventing,
  type LocalEventingOptions,
} from './local-eventing.js';

// The suites' eventing is the chart's: startLocalEventing runs each app with exactly the
// environment charts/eventing gives its pod (plus the local overrides, nothing from the
// test's own environment), and the system namespace holds the chart's ConfigMaps, so a
// chart value set by a suite reaches the running apps. Every check here fails if the
// starter went back to hand-written environment or ConfigMaps.

const messaging = 'messaging.knative.dev/v1';
const options: LocalEventingOptions = {
  prefix: 'itest-chartenv-sys',
  // Each differs from the chart's default, so only the chart can have put it there.
  values: {
    logLevels: { 'broker-filter': 'debug' },
    'imcDispatcher.nodeFlags': ['--max-old-space-size=200'],
    defaultChannel: {
      apiVersion: messaging,
      kind: 'InMemoryChannel',
      spec: { delivery: { retry: 7 } },
    },
  },
  features: { 'eventtype-auto-create': 'enabled' },
  env: { MAX_BODY_BYTES: '65536' },
};

/** What a running process was started with, from /proc. */
const environOf = (pid: number): Record<string, string> =>
  Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );

/** A running process's command line, from /proc. */
const cmdlineOf = (pid: number): string[] =>
  readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

describe('eventing started from the chart', () => {
  const ns = uniqueName('itest-chartenv');
  let sys: LocalEventing;

  beforeAll(async () => {
    await installCrds();
    sys = await startLocalEventing(options);
    await sys.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }, 180_000);

  afterAll(async () => {
    await sys?.client
      .delete({ apiVersion: 'v1', kind: 'Namespace', name: ns })
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    await sys?.stop();
  }, 60_000);

  it('runs every app with its Deployment command: node, the chart flags, main.js', async () => {
    const chart = await renderSuiteChart(sys.systemNamespace, options);
    for (const app of Object.keys(sys.apps) as EventingApp[]) {
      const flags = chart.nodeFlags[app];
      // The chart-wide default for all but imc-dispatcher, whose flags this suite replaced.
      expect(flags?.length).toBeGreaterThan(0);
      expect({ app, cmdline: cmdlineOf(sys.apps[app].pid).slice(1) }).toEqual({
        app,
        cmdline: [...(flags ?? []), mainOf(app)],
      });
    }
  });

  it('runs every app with its Deployment environment, only the local overrides changed', async () => {
    // Rendered again here, apart from the starter's own copy.
    const chart = await renderSuiteChart(sys.systemNamespace, options);
    const apps = Object.keys(sys.apps) as EventingApp[];
    expect(apps.sort()).toEqual(
      ['broker-filter', 'broker-ingress', 'eventing-controller', 'imc-dispatcher'].sort(),
    );
    for (const app of apps) {
      const environ = environOf(sys.apps[app].pid);
      const fromChart = chart.apps[app] ?? {};
      const served = app !== 'eventing-controller';
      const local: Record<string, string> = {
        KUBECONFIG: sys.kubeconfig,
        ADMIN_PORT: '0',
        ...(served
          ? {
              LOCAL_MODE: 'true',
              HTTP_PORT: String(sys.ports[app as Exclude<EventingApp, 'eventing-controller'>]),
            }
          : { CONVERSION_WEBHOOK_PORT: '0' }),
      };
      for (const key of Object.keys(local)) expect(localOverrides).toContain(key);
      // Exactly: nothing hand-written, nothing inherited from this test's environment.
      expect({ app, environ }).toEqual({
        app,
        environ: { ...fromChart, ...local, ...options.env },
      });
    }
    // The values this suite set reached the apps (their chart defaults differ).
    expect(cmdlineOf(sys.apps['imc-dispatcher'].pid).slice(1)).toEqual([
      '--max-old-space-size=200',
      mainOf('imc-dispatcher'),
    ]);
    const env = (app: EventingApp) => environOf(sys.apps[app].pid);
    expect(env('broker-filter')['LOG_LEVEL']).toBe('debug');
    expect(env('imc-dispatcher')['LOG_LEVEL']).toBe('info');
    expect(env('broker-ingress')['FEATURE_EVENTTYPE_AUTO_CREATE']).toBe('enabled');
    expect(env('broker-filter')['CONTAINER_NAME']).toBe('filter');
    expect(env('imc-dispatcher')['POD_NAME']).toBe(localPodName('imc-dispatcher'));
    expect(env('imc-dispatcher')['SYSTEM_NAMESPACE']).toBe(sys.systemNamespace);
    expect(env('imc-dispatcher')['REDIS_URL']).toBe(localCluster().redisUrl);
    expect(env('eventing-controller')['KAFKA_BROKERS']).toBe(localCluster().kafkaBrokers.join(','));
    // This test's shell has KAFKA_BROKERS; the chart gives it only to Kafka's apps.
    expect(env('imc-dispatcher')['KAFKA_BROKERS']).toBeUndefined();
  });

  it("holds the chart's ConfigMaps and Secrets in the system namespace", async () => {
    const chart = await renderSuiteChart(sys.systemNamespace, options);
    for (const rendered of [...chart.configMaps, ...chart.secrets]) {
      const got = await sys.client.get<KubeObject & { data?: Record<string, string> }>({
        apiVersion: 'v1',
        kind: rendered.kind,
        namespace: sys.systemNamespace,
        name: rendered.metadata.name,
      });
      const data =
        rendered.kind === 'Secret'
          ? Object.fromEntries(
              Object.entries(rendered.stringData ?? {}).map(([k, v]) => [
                k,
                Buffer.from(v).toString('base64'),
              ]),
            )
          : (rendered.data ?? {});
      expect({ name: rendered.metadata.name, data: got.data ?? {} }).toEqual({
        name: rendered.metadata.name,
        data,
      });
    }
  });

  it("gives a Channel without a channelTemplate the chart's defaultChannel (its spec too)", async () => {
    await sys.client.create({
      apiVersion: messaging,
      kind: 'Channel',
      metadata: { namespace: ns, name: 'plain' },
      spec: {},
    } as KubeObject);
    const imc = await eventually('the backing InMemoryChannel', async () => {
      try {
        return await sys.client.get<KubeObject & { spec?: { delivery?: { retry?: number } } }>({
          apiVersion: messaging,
          kind: 'InMemoryChannel',
          namespace: ns,
          name: 'plain',
        });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    });
    expect(imc.spec?.delivery?.retry).toBe(7);
  });

  it('auto-creates EventTypes on channel ingress: the chart value features.eventtype-auto-create', async () => {
    await sys.client.create({
      apiVersion: messaging,
      kind: 'InMemoryChannel',
      metadata: { namespace: ns, name: 'seen' },
      spec: {},
    } as KubeObject);
    const type = 'dev.example.chart.feature';
    const found = await eventually('an EventType for the posted type', async () => {
      await post(
        `http://127.0.0.1:${sys.ports['imc-dispatcher']}/${ns}/seen`,
        {
          'content-type': 'application/json',
          'ce-specversion': '1.0',
          'ce-id': `e-${Date.now()}`,
          'ce-source': '/itest/chart',
          'ce-type': type,
        },
        '{}',
      );
      const { items } = await sys.client.list<
        KubeObject & { spec: { attributes?: Array<{ name: string; value?: string }> } }
      >({ apiVersion: 'eventing.knative.dev/v1beta3', kind: 'EventType', namespace: ns });
      const ofType = items.filter((et) =>
        et.spec.attributes?.some((a) => a.name === 'type' && a.value === type),
      );
      return ofType.length > 0 ? ofType : undefined;
    });
    expect(found).toHaveLength(1);
  }, 60_000);
});

describe('suite options that would shadow the chart', () => {
  it.each<[string, LocalEventingOptions, RegExp]>([
    [
      'a variable the chart sets',
      { env: { FEATURE_DELIVERY_TIMEOUT: 'disabled' } },
      /env.FEATURE_DELIVERY_TIMEOUT: the chart sets it for eventing-controller, imc-dispatcher/,
    ],
    [
      'a variable the starter sets',
      { env: { KUBECONFIG: '/elsewhere' } },
      /env.KUBECONFIG: the starter sets it/,
    ],
    [
      'a ConfigMap the chart renders',
      { configMaps: { 'config-features': { 'delivery-timeout': 'disabled' } } },
      /configMaps.config-features: the chart renders ConfigMap config-features/,
    ],
    [
      'a log level that hides the start-up line',
      { values: { logLevel: 'warn' } },
      /eventing-controller: LOG_LEVEL warn hides the info line/,
    ],
  ])('are refused before anything starts: %s', async (_name, refused, message) => {
    await expect(startLocalEventing({ prefix: 'itest-refused-sys', ...refused })).rejects.toThrow(
      message,
    );
  });
});
