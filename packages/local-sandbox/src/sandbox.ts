/**
 * The local sandbox (npm start): charts/eventing installed with `helm upgrade --install
 * --wait` onto the local node, its apps running as pods from the images
 * scripts/build-images.sh loaded, the examples' YAML applied unchanged (their test services
 * run as pods too), and `.local/sandbox.json` written once all of it is Ready, naming for
 * each app and Service a URL on this machine (its ClusterIP: this machine routes the service
 * range to the node). Stopping it deletes what it installed; the node keeps running.
 */
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isAlreadyExists, isNotFound, type KubeClient } from '@knative-ts/kube';
import { isPlaceholderApp, keysToEnable } from './chart-values.js';
import { serviceUrl, type ServiceLike } from './cluster-urls.js';
import { runOrFail } from './command.js';
import { hasSequenceResult } from './example.js';
import { helmInstallArgs, type Backends } from './helm.js';
import { readImages } from './images.js';
import { clearPrevious, removePidFile, writePidFile } from './pid-file.js';
import { nextSteps, runningTable, type RunningEntry } from './report.js';
import { removeSandboxFile, writeSandboxFile, type SandboxFile } from './sandbox-file.js';

export interface SandboxOptions {
  repo: string;
  kubeconfig: string;
  kube: KubeClient;
  backends: Backends;
  systemNamespace: string;
  clusterDomain: string;
  /** Folders of deploy/examples to run; `sequence` is the one whose result is awaited. */
  examples: string[];
  /** Progress output, one line at a time. */
  log: (line: string) => void;
  /** helm --wait and rollout timeout, e.g. `5m`. */
  waitTimeout?: string;
  /** `eventtype-auto-create` for the apps that receive events (`enabled` turns it on). */
  eventTypeAutoCreate?: string;
}

export const RELEASE = 'eventing';

/** The namespace an example runs in: `demo` for the Sequence, as its README says. */
export const exampleNamespace = (folder: string): string =>
  folder === 'sequence' ? 'demo' : `demo-${folder}`;

export class Sandbox {
  private readonly stateDir: string;
  private readonly pidFile: string;
  readonly sandboxFile: string;
  private file: SandboxFile | undefined;
  private owner = false;
  private installed = false;
  private displayUrl: string | undefined;

  constructor(private readonly options: SandboxOptions) {
    this.stateDir = join(options.repo, '.local/sandbox');
    this.pidFile = join(this.stateDir, 'pids.json');
    this.sandboxFile = join(options.repo, '.local/sandbox.json');
  }

  /** Everything up to "sandbox ready". */
  async start(): Promise<void> {
    mkdirSync(this.stateDir, { recursive: true });
    await clearPrevious(this.pidFile, this.options.repo);
    // From here on the sandbox files are this run's (another live run made clearPrevious throw).
    this.owner = true;
    removeSandboxFile(this.sandboxFile);
    writePidFile(this.pidFile, { launcher: process.pid, processes: [] });

    this.installed = true;
    await this.step('1/4', `helm upgrade --install --wait ${RELEASE} charts/eventing`, () =>
      this.installChart(),
    );
    await this.step('2/4', `examples (${this.options.examples.join(', ')})`, () =>
      this.applyExamples(),
    );
    await this.step('3/4', 'URLs of the apps and Services', () => this.writeReady());
  }

  /** Resolves once the Sequence example's display shows its result (polls until `signal`). */
  async awaitSequence(signal: AbortSignal): Promise<boolean> {
    const url = this.displayUrl;
    if (url === undefined) return false;
    const { log } = this.options;
    const t0 = Date.now();
    let lastReport = t0;
    log(
      '[start] 4/4 waiting for the Sequence result (its PingSource fires at the start of every minute)',
    );
    while (!signal.aborted) {
      if (await displayHasResult(url)) {
        log(
          `[start] Sequence example OK after ${seconds(t0)}: event-display received "hello, world! - Handled by 0 - Handled by 1 - Handled by 2"`,
        );
        if (this.file) {
          this.file.examples['sequence'] = 'ok';
          writeSandboxFile(this.sandboxFile, this.file);
        }
        return true;
      }
      if (Date.now() - lastReport >= 20_000) {
        lastReport = Date.now();
        log(
          `[start]   still waiting (${seconds(t0)}); Sequence ${await this.readiness('sequence')}`,
        );
      }
      await sleep(1_000, signal);
    }
    return false;
  }

  /**
   * Deletes what it installed: the examples' namespaces first (the controller still runs
   * to finalize their objects), then the release. The CRDs stay (the chart keeps them).
   */
  async stop(): Promise<void> {
    const { log } = this.options;
    if (this.installed) {
      const namespaces = this.options.examples.map(exampleNamespace);
      log(`[start] deleting namespaces ${namespaces.join(', ')} and the release ${RELEASE}`);
      await this.kubectl([
        'delete',
        'namespace',
        '--ignore-not-found',
        '--wait',
        '--timeout=60s',
        ...namespaces,
      ]).catch((err: unknown) => log(`[start] ${(err as Error).message}`));
      await this.helm([
        'uninstall',
        RELEASE,
        '-n',
        this.options.systemNamespace,
        '--ignore-not-found',
        '--wait',
        '--timeout',
        '90s',
      ]).catch((err: unknown) => log(`[start] ${(err as Error).message}`));
    }
    if (this.owner) {
      removeSandboxFile(this.sandboxFile);
      removePidFile(this.pidFile);
    }
    log(
      "[start] stopped. The local control plane and node keep running ('npm run cluster:down' stops them).",
    );
  }

  private async step(n: string, what: string, fn: () => Promise<void>): Promise<void> {
    const t0 = Date.now();
    this.options.log(`[start] ${n} ${what}`);
    await fn();
    this.options.log(`[start]     done in ${seconds(t0)}`);
  }

  private async installChart(): Promise<void> {
    const { repo } = this.options;
    const images = readImages(join(repo, '.local/images.json'));
    const apps = readdirSync(join(repo, 'apps')).sort();
    const enable = keysToEnable(
      readFileSync(join(repo, 'charts/eventing/values.yaml'), 'utf8'),
      apps,
      (app) => !isPlaceholderApp(join(repo, 'apps', app, 'dist')),
    );
    await this.helm(
      helmInstallArgs({
        release: RELEASE,
        chart: join(repo, 'charts/eventing'),
        namespace: this.options.systemNamespace,
        backends: this.options.backends,
        enable,
        images,
        waitTimeout: this.options.waitTimeout ?? '5m',
        ...(this.options.eventTypeAutoCreate && {
          features: { 'eventtype-auto-create': this.options.eventTypeAutoCreate },
        }),
      }),
    );
  }

  private async applyExamples(): Promise<void> {
    for (const folder of this.options.examples) {
      const namespace = exampleNamespace(folder);
      await this.ensureNamespace(namespace);
      await this.kubectl([
        'apply',
        '-n',
        namespace,
        '-f',
        join(this.options.repo, 'deploy/examples', folder),
      ]);
      // test-services:latest may have been rebuilt since these pods started.
      await this.kubectl(['rollout', 'restart', 'deployment', '-n', namespace]);
      await this.kubectl([
        'rollout',
        'status',
        'deployment',
        '-n',
        namespace,
        `--timeout=${this.options.waitTimeout ?? '5m'}`,
      ]);
    }
  }

  private async writeReady(): Promise<void> {
    const { log, systemNamespace } = this.options;
    const file: SandboxFile = {
      apps: {},
      admin: {},
      services: {},
      logs: {},
      kubeconfig: this.options.kubeconfig,
      systemNamespace,
      pid: process.pid,
      examples: Object.fromEntries(
        this.options.examples.filter((e) => e === 'sequence').map((e) => [e, 'waiting' as const]),
      ),
    };
    const table: RunningEntry[] = [];
    const system = await this.services(systemNamespace, 'app.kubernetes.io/part-of=knative-ts');
    for (const svc of system) {
      const app = svc.metadata.labels?.['app.kubernetes.io/name'] ?? svc.metadata.name ?? '';
      const http = serviceUrl(svc, 'http');
      const admin = serviceUrl(svc, 'http-metrics');
      const url = http ?? admin ?? '';
      file.apps[app] = url;
      if (admin) file.admin[app] = admin;
      file.services[`${systemNamespace}/${svc.metadata.name}`] = url;
      file.logs[app] = `kubectl logs -n ${systemNamespace} deploy/${app}`;
      table.push({ name: app, url, log: file.logs[app] });
    }
    for (const folder of this.options.examples) {
      const namespace = exampleNamespace(folder);
      for (const svc of await this.services(namespace)) {
        const key = `${namespace}/${svc.metadata.name}`;
        const url = serviceUrl(svc, 'http');
        // ExternalName Services (the channels' <name>-kn-channel) have no pod of their own.
        if (url === undefined) continue;
        file.services[key] = url;
        file.logs[key] = `kubectl logs -n ${namespace} deploy/${svc.metadata.name}`;
        table.push({ name: key, url, log: file.logs[key] });
        if (folder === 'sequence' && svc.metadata.name === 'event-display') this.displayUrl = url;
      }
    }
    writeSandboxFile(this.sandboxFile, file);
    this.file = file;
    log(
      `[start] running as pods on the local node (name, URL on this machine, logs):\n${runningTable(table)}`,
    );
    log(
      nextSteps({
        namespace: exampleNamespace('sequence'),
        systemNamespace,
        imcUrl: file.apps['imc-dispatcher'] ?? '',
        brokerIngressUrl: file.apps['broker-ingress'] ?? '',
        displayUrl: this.displayUrl ?? '',
        clusterDomain: this.options.clusterDomain,
      }),
    );
    log('[start] Ctrl-C deletes the examples and uninstalls the release; the node keeps running.');
    log(`[start] sandbox ready (.local/sandbox.json)`);
  }

  private async services(namespace: string, labelSelector?: string): Promise<ServiceLike[]> {
    const list = await this.options.kube.list<
      ServiceLike & { apiVersion: string; kind: string; metadata: object }
    >({ apiVersion: 'v1', kind: 'Service', namespace }, labelSelector ? { labelSelector } : {});
    return list.items.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  }

  private helm(args: string[]): Promise<string> {
    return runOrFail(
      'helm',
      args,
      "check the chart ('helm lint charts/eventing'), the pods ('kubectl get pods -A', 'kubectl describe pod …') and the node ('npm run cluster:up'), then run npm start again",
      { env: { KUBECONFIG: this.options.kubeconfig } },
    );
  }

  private kubectl(args: string[]): Promise<string> {
    return runOrFail(
      'kubectl',
      args,
      "check the examples' pods ('kubectl get pods -A', 'kubectl describe pod …') and the node ('npm run cluster:up'), then run npm start again",
      { env: { KUBECONFIG: this.options.kubeconfig } },
    );
  }

  private async ensureNamespace(name: string): Promise<void> {
    try {
      await this.options.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  /** `Ready=<status> (<reason>: <message>)` of the example's Sequence, for progress lines. */
  private async readiness(name: string): Promise<string> {
    try {
      const seq = await this.options.kube.get<{
        apiVersion: string;
        kind: string;
        metadata: object;
        status?: {
          conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
        };
      }>({
        apiVersion: 'flows.knative.dev/v1',
        kind: 'Sequence',
        namespace: exampleNamespace('sequence'),
        name,
      });
      const ready = seq.status?.conditions?.find((c) => c.type === 'Ready');
      if (!ready) return 'has no Ready condition yet';
      return ready.status === 'True'
        ? 'is Ready'
        : `Ready=${ready.status} (${ready.reason ?? ''}: ${ready.message ?? ''})`;
    } catch (err) {
      return isNotFound(err) ? 'does not exist' : `cannot be read (${(err as Error).message})`;
    }
  }
}

async function displayHasResult(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/events`, { signal: AbortSignal.timeout(5_000) });
    return res.ok && hasSequenceResult(await res.json());
  } catch {
    // The display is busy or restarting; poll again.
    return false;
  }
}

const seconds = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
