/**
 * The local sandbox (npm start): the chart installed into the local control plane, every
 * app it deploys run as a local process in local mode and registered for its Service, the
 * examples' test services run and registered the same way, the examples' YAML applied
 * unchanged, and `.local/sandbox.json` written once all of it answers.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isAlreadyExists, type KubeClient } from '@knative-ts/kube';
import { planApps, type AppPlan, type Backends } from './apps.js';
import { runOrFail } from './command.js';
import { exampleServices, hasSequenceResult, loadManifests } from './example.js';
import { helmInstallArgs } from './helm.js';
import { LocalProcess } from './local-process.js';
import { clearPrevious, removePidFile, writePidFile } from './pid-file.js';
import { assertPortsFree } from './ports.js';
import { Registrations } from './registrations.js';
import { nextSteps, runningTable, type RunningEntry } from './report.js';
import { removeSandboxFile, writeSandboxFile, type SandboxFile } from './sandbox-file.js';

export interface SandboxOptions {
  repo: string;
  kubeconfig: string;
  kube: KubeClient;
  backends: Backends;
  /** First of the fixed local ports (apps from here, test services from here + 100). */
  portBase: number;
  systemNamespace: string;
  clusterDomain: string;
  /** Folders of deploy/examples to run; `sequence` is the one whose result is awaited. */
  examples: string[];
  /** Progress output, one line at a time. */
  log: (line: string) => void;
  /** How long an app may take to answer its health check. */
  startTimeoutMs?: number;
  /** `eventtype-auto-create` for the apps that receive events (`enabled` turns it on). */
  eventTypeAutoCreate?: string;
}

/** A test service of an example, as planned. */
interface ServicePlan {
  example: string;
  namespace: string;
  name: string;
  service: string;
  env: Record<string, string>;
  port: number;
}

const RELEASE = 'eventing';

/** The namespace an example runs in: `demo` for the Sequence, as its README says. */
export const exampleNamespace = (folder: string): string =>
  folder === 'sequence' ? 'demo' : `demo-${folder}`;

export class Sandbox {
  private readonly processes: LocalProcess[] = [];
  private readonly registrations: Registrations;
  private readonly stateDir: string;
  private readonly pidFile: string;
  readonly sandboxFile: string;
  private readonly apps: AppPlan[];
  private readonly services: ServicePlan[];
  private file: SandboxFile | undefined;
  private stopping = false;
  private owner = false;

  constructor(private readonly options: SandboxOptions) {
    this.registrations = new Registrations(options.kube);
    this.stateDir = join(options.repo, '.local/sandbox');
    this.pidFile = join(this.stateDir, 'pids.json');
    this.sandboxFile = join(options.repo, '.local/sandbox.json');
    this.apps = planApps({ ...options });
    this.services = this.planServices();
  }

  /** Everything up to "sandbox ready"; calls `onExit` if a process dies afterwards. */
  async start(onExit: (name: string, code: number | null) => void): Promise<void> {
    const { log } = this.options;
    mkdirSync(this.stateDir, { recursive: true });
    const left = await clearPrevious(this.pidFile, this.options.repo);
    // From here on the sandbox files are this run's (another live run made clearPrevious throw).
    this.owner = true;
    removeSandboxFile(this.sandboxFile);
    if (left.length > 0)
      log(`[start] stopped what an earlier run left running: ${left.join(', ')}`);
    await assertPortsFree(this.portOwners());
    this.savePids();

    await this.step('1/4', `helm upgrade --install ${RELEASE} charts/eventing`, () =>
      this.installChart(),
    );
    await this.step('2/4', `apps (${this.apps.map((a) => a.name).join(', ')})`, () =>
      this.startApps(),
    );
    await this.step('3/4', `examples (${this.options.examples.join(', ')})`, () =>
      this.startExamples(),
    );
    for (const p of this.processes) {
      void p.whenExited().then((code) => {
        if (!this.stopping) onExit(p.spec.name, code);
      });
    }
    this.writeReady();
  }

  /** Resolves once the Sequence example's display shows its result (polls until `signal`). */
  async awaitSequence(signal: AbortSignal): Promise<boolean> {
    const display = this.services.find(
      (s) => s.example === 'sequence' && s.service === 'event-display',
    );
    if (display === undefined) return false;
    const { log } = this.options;
    const t0 = Date.now();
    let lastReport = t0;
    log(
      '[start] 4/4 waiting for the Sequence result (its PingSource fires at the start of every minute)',
    );
    while (!signal.aborted) {
      if (await this.displayHasResult(display.port)) {
        log(
          `[start] Sequence example OK after ${seconds(t0)}: event-display received "hello, world! - Handled by 0 - Handled by 1 - Handled by 2"`,
        );
        if (this.file) this.file.examples['sequence'] = 'ok';
        if (this.file) writeSandboxFile(this.sandboxFile, this.file);
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

  /** Stops every process it started and removes its registrations and files. */
  async stop(): Promise<void> {
    const { log } = this.options;
    this.stopping = true;
    const running = this.processes.filter((p) => p.running);
    log(`[start] stopping ${running.length} local processes`);
    await Promise.all(running.reverse().map((p) => p.stop()));
    const removed = await this.registrations.removeAll().catch((err: unknown) => {
      log(
        `[start] could not remove every registration (${(err as Error).message}); rerun npm start to replace them`,
      );
      return [];
    });
    log(
      `[start] removed its ${removed.length} registrations (EndpointSlices managed-by knative-ts-sandbox, Services it added)`,
    );
    if (this.owner) {
      removeSandboxFile(this.sandboxFile);
      removePidFile(this.pidFile);
    }
    log(
      "[start] stopped. The local control plane keeps running, with the chart and the examples installed ('npm run cluster:down' stops it).",
    );
  }

  private async step(n: string, what: string, fn: () => Promise<void>): Promise<void> {
    const t0 = Date.now();
    this.options.log(`[start] ${n} ${what}`);
    await fn();
    this.options.log(`[start]     done in ${seconds(t0)}`);
  }

  private async installChart(): Promise<void> {
    const args = helmInstallArgs({
      release: RELEASE,
      chart: join(this.options.repo, 'charts/eventing'),
      namespace: this.options.systemNamespace,
      backends: this.options.backends,
      enable: this.apps.flatMap((a) => (a.chartKey ? [a.chartKey] : [])),
    });
    await runOrFail(
      'helm',
      args,
      "check the chart ('helm lint charts/eventing') and the control plane ('npm run cluster:up'), then run npm start again",
      { env: { KUBECONFIG: this.options.kubeconfig } },
    );
  }

  private async startApps(): Promise<void> {
    const logsDir = this.stateDir;
    const started = this.apps.map((app) =>
      this.spawn({
        name: app.name,
        main: app.main,
        env: app.env,
        logFile: join(logsDir, `${app.name}.log`),
        port: app.adminPort,
        healthUrl: `http://127.0.0.1:${app.adminPort}/healthz`,
      }),
    );
    await Promise.all(
      started.map((p) => p.waitReady({ timeoutMs: this.options.startTimeoutMs ?? 60_000 })),
    );
    const ns = this.options.systemNamespace;
    for (const app of this.apps) {
      await this.registrations.register({ namespace: ns, service: app.service, ports: app.ports });
    }
  }

  private async startExamples(): Promise<void> {
    const main = join(this.options.repo, 'test/services/dist/main.js');
    const started = this.services.map((s) =>
      this.spawn({
        name: `${s.namespace}/${s.name}`,
        main,
        args: [s.service],
        env: { ...s.env, PORT: String(s.port), POD_NAME: s.name, CONTAINER_NAME: s.service },
        logFile: join(this.stateDir, `${s.namespace}.${s.name}.log`),
        port: s.port,
      }),
    );
    await Promise.all(started.map((p) => p.waitReady()));
    for (const folder of this.options.examples) {
      const namespace = exampleNamespace(folder);
      await this.ensureNamespace(namespace);
      for (const s of this.services.filter((x) => x.example === folder)) {
        await this.registrations.register({ namespace, service: s.name, ports: { http: s.port } });
      }
      await runOrFail(
        'kubectl',
        ['apply', '-n', namespace, '-f', join(this.options.repo, 'deploy/examples', folder)],
        `check the example's YAML ('kubectl apply --dry-run=server -n ${namespace} -f deploy/examples/${folder}')`,
        { env: { KUBECONFIG: this.options.kubeconfig } },
      );
    }
  }

  private spawn(spec: Parameters<typeof LocalProcess.start>[0]): LocalProcess {
    const p = LocalProcess.start(spec);
    this.processes.push(p);
    this.savePids();
    return p;
  }

  private writeReady(): void {
    const { log, systemNamespace } = this.options;
    const url = (port: number) => `http://127.0.0.1:${port}`;
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
    for (const app of this.apps) {
      const log = join(this.stateDir, `${app.name}.log`);
      file.apps[app.name] = url(app.httpPort ?? app.adminPort);
      file.admin[app.name] = url(app.adminPort);
      file.logs[app.name] = log;
      file.services[`${systemNamespace}/${app.service}`] = url(app.httpPort ?? app.adminPort);
      table.push({ name: app.name, url: url(app.httpPort ?? app.adminPort), log: rel(log) });
    }
    for (const s of this.services) {
      const key = `${s.namespace}/${s.name}`;
      const log = join(this.stateDir, `${s.namespace}.${s.name}.log`);
      file.services[key] = url(s.port);
      file.logs[key] = log;
      table.push({ name: `${key} (${s.service})`, url: url(s.port), log: rel(log) });
    }
    writeSandboxFile(this.sandboxFile, file);
    this.file = file;
    const port = (name: string) => this.apps.find((a) => a.name === name)?.httpPort ?? 0;
    const display = this.services.find(
      (s) => s.example === 'sequence' && s.service === 'event-display',
    );
    log(`[start] running (name, local URL, log):\n${runningTable(table)}`);
    log(
      nextSteps({
        namespace: exampleNamespace('sequence'),
        imcUrl: url(port('imc-dispatcher')),
        brokerIngressUrl: url(port('broker-ingress')),
        displayUrl: url(display?.port ?? 0),
        clusterDomain: this.options.clusterDomain,
      }),
    );
    log(
      '[start] Ctrl-C stops the apps and test services and removes their registrations; the control plane keeps running.',
    );
    log(`[start] sandbox ready (.local/sandbox.json)`);
  }

  private planServices(): ServicePlan[] {
    let next = this.options.portBase + 100;
    return this.options.examples.flatMap((example) =>
      exampleServices(loadManifests(join(this.options.repo, 'deploy/examples', example))).map(
        (s) => ({
          example,
          namespace: exampleNamespace(example),
          ...s,
          port: next++,
        }),
      ),
    );
  }

  private portOwners(): Record<string, number> {
    const owners: Record<string, number> = {};
    for (const a of this.apps) {
      owners[`${a.name} admin`] = a.adminPort;
      if (a.httpPort !== undefined) owners[`${a.name} http`] = a.httpPort;
    }
    for (const s of this.services) owners[`${s.namespace}/${s.name}`] = s.port;
    return owners;
  }

  private savePids(): void {
    writePidFile(this.pidFile, {
      launcher: process.pid,
      processes: this.processes.map((p) => ({ name: p.spec.name, pid: p.pid })),
    });
  }

  private async ensureNamespace(name: string): Promise<void> {
    try {
      await this.options.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  private async displayHasResult(port: number): Promise<boolean> {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/events`, {
        signal: AbortSignal.timeout(5_000),
      });
      return res.ok && hasSequenceResult(await res.json());
    } catch {
      // The display is busy or restarting; poll again.
      return false;
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
      return `cannot be read (${(err as Error).message})`;
    }
  }
}

const seconds = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const rel = (path: string) => path.replace(/^.*\/\.local\//, '.local/');
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
