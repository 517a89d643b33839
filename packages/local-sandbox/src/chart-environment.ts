/**
 * Each app's environment as charts/eventing gives it to its pod, read from `helm template`
 * output, with the ConfigMaps and Secrets the chart puts in the system namespace.
 *
 * In a cluster the kubelet resolves every `valueFrom` when it starts a container. The
 * integration suites run the apps as local processes, with no kubelet: this does its work
 * on the rendered objects, so a suite's apps get exactly what the chart's pods get (and a
 * chart change reaches the suites by itself). What has no local equivalent fails loudly,
 * naming the app and the variable: an app silently missing a variable would run configured
 * unlike the chart's pods, which is the drift this exists to prevent.
 */
import { parseAllDocuments } from 'yaml';
import { SandboxError, SandboxErrorCode } from './errors.js';

/** A rendered ConfigMap or Secret (what the starter applies to the system namespace). */
export interface RenderedConfig {
  apiVersion: string;
  kind: 'ConfigMap' | 'Secret';
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface ChartEnvironment {
  /** The release namespace: every app's SYSTEM_NAMESPACE. */
  namespace: string;
  /** The environment of each Deployment's container, by Deployment (= app) name. */
  apps: Record<string, Record<string, string>>;
  /** The Node flags of each Deployment's container (its command between node and dist/main.js). */
  nodeFlags: Record<string, string[]>;
  /** The ConfigMaps of the release namespace, as rendered. */
  configMaps: RenderedConfig[];
  /** The Secrets of the release namespace, as rendered. */
  secrets: RenderedConfig[];
}

export interface ChartEnvironmentOptions {
  /** The release namespace (`helm template --namespace`): fieldRef metadata.namespace. */
  namespace: string;
  /** The pod name an app runs as: fieldRef metadata.name. */
  podName: (app: string) => string;
}

interface KeyRef {
  name?: string;
  key?: string;
  optional?: boolean;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath?: string };
    configMapKeyRef?: KeyRef;
    secretKeyRef?: KeyRef;
    [other: string]: unknown;
  };
}

interface Container {
  name?: string;
  command?: string[];
  env?: EnvVar[];
  envFrom?: unknown[];
}

interface Rendered {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } } };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

const chartError = (message: string, context: Record<string, unknown> = {}) =>
  new SandboxError(
    SandboxErrorCode.Chart,
    message,
    "the chart renders something local processes cannot reproduce: teach packages/local-sandbox/src/chart-environment.ts its meaning, or change charts/eventing ('helm template charts/eventing' shows the output)",
    context,
  );

/** Every object of `helm template` output (empty documents and comments dropped). */
export function parseRendered(text: string): Rendered[] {
  const objects: Rendered[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw chartError(`helm template output is not YAML: ${doc.errors[0]?.message ?? ''}`);
    }
    const value: unknown = doc.toJS();
    if (value !== null && typeof value === 'object') objects.push(value as Rendered);
  }
  return objects;
}

/** The environment and system-namespace config of every app the rendered chart deploys. */
export function chartEnvironment(
  rendered: string,
  { namespace, podName }: ChartEnvironmentOptions,
): ChartEnvironment {
  const objects = parseRendered(rendered);
  // Helm installs a namespaced object without a namespace into the release namespace.
  const inRelease = (o: Rendered) => (o.metadata?.namespace ?? namespace) === namespace;
  const configMaps = objects.filter((o) => o.kind === 'ConfigMap' && inRelease(o));
  const secrets = objects.filter((o) => o.kind === 'Secret' && inRelease(o));
  const lookup = {
    configMap: new Map(configMaps.map((o) => [o.metadata?.name ?? '', o.data ?? {}])),
    secret: new Map(secrets.map((o) => [o.metadata?.name ?? '', secretData(o)])),
  };

  const apps: Record<string, Record<string, string>> = {};
  const nodeFlags: Record<string, string[]> = {};
  for (const deployment of objects.filter((o) => o.kind === 'Deployment' && inRelease(o))) {
    const app = deployment.metadata?.name ?? '';
    const pod = deployment.spec?.template?.spec;
    const containers = pod?.containers ?? [];
    if (containers.length !== 1 || (pod?.initContainers ?? []).length > 0) {
      throw chartError(
        `Deployment ${app} has ${containers.length} containers and ${(pod?.initContainers ?? []).length} init containers; one local process stands for exactly one container`,
        { app },
      );
    }
    const container = containers[0] as Container;
    if ((container.envFrom ?? []).length > 0) {
      throw chartError(`Deployment ${app} uses envFrom, which is not resolved locally`, { app });
    }
    nodeFlags[app] = nodeFlagsOf(app, container.command);
    const fields: Record<string, string> = {
      'metadata.namespace': namespace,
      'metadata.name': podName(app),
    };
    apps[app] = resolveEnv(app, container.env ?? [], (variable, valueFrom) => {
      if (valueFrom.fieldRef) {
        const path = valueFrom.fieldRef.fieldPath ?? '';
        const value = fields[path];
        if (value === undefined) {
          throw chartError(
            `${app}: ${variable} comes from fieldRef ${path}, which has no local equivalent (only ${Object.keys(fields).join(', ')})`,
            { app, variable },
          );
        }
        return value;
      }
      if (valueFrom.configMapKeyRef) {
        return fromKeyRef(app, variable, 'ConfigMap', valueFrom.configMapKeyRef, lookup.configMap);
      }
      if (valueFrom.secretKeyRef) {
        return fromKeyRef(app, variable, 'Secret', valueFrom.secretKeyRef, lookup.secret);
      }
      throw chartError(
        `${app}: ${variable} comes from valueFrom ${Object.keys(valueFrom).join(', ') || '(empty)'}, which is not resolved locally`,
        { app, variable },
      );
    });
  }
  return {
    namespace,
    apps,
    nodeFlags,
    configMaps: configMaps as RenderedConfig[],
    secrets: secrets as RenderedConfig[],
  };
}

/**
 * The flags of a command `node <flags> dist/main.js` (none without a command: the image's
 * entrypoint). A local process runs main.js itself, so any other command has no local
 * equivalent.
 */
function nodeFlagsOf(app: string, command: string[] | undefined): string[] {
  if (command === undefined) return [];
  const flags = command.slice(1, -1);
  if (command[0] !== 'node' || command.at(-1) !== 'dist/main.js' || !flags.every(isFlag)) {
    throw chartError(
      `Deployment ${app} runs ${JSON.stringify(command)}; a local process runs node <flags> dist/main.js`,
      { app },
    );
  }
  return flags;
}

const isFlag = (arg: string) => arg.startsWith('--');

/** A Secret's values as a pod sees them: `data` decoded, `stringData` winning (as the API server merges them). */
function secretData(secret: Rendered): Record<string, string> {
  const decoded = Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
  );
  return { ...decoded, ...secret.stringData };
}

/**
 * The kubelet's rules: an optional key or object that is missing leaves the variable unset;
 * a required one stops the container from starting (here: an error).
 */
function fromKeyRef(
  app: string,
  variable: string,
  kind: 'ConfigMap' | 'Secret',
  ref: KeyRef,
  objects: Map<string, Record<string, string>>,
): string | undefined {
  const data = objects.get(ref.name ?? '');
  const value = data?.[ref.key ?? ''];
  if (value !== undefined) return value;
  if (ref.optional === true) return undefined;
  const missing =
    data === undefined ? `${kind} ${ref.name}` : `key ${ref.key} of ${kind} ${ref.name}`;
  throw chartError(
    `${app}: ${variable} needs ${missing}, which the chart does not render (and the reference is not optional)`,
    { app, variable },
  );
}

/**
 * The variables in order, as the kubelet sets them: a later entry of the same name wins, and
 * `$(NAME)` in a value expands to a variable defined before it (`$$` is a literal `$`).
 */
function resolveEnv(
  app: string,
  env: EnvVar[],
  fromSource: (variable: string, valueFrom: NonNullable<EnvVar['valueFrom']>) => string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const variable of env) {
    if (variable.valueFrom !== undefined && variable.value !== undefined) {
      throw chartError(`${app}: ${variable.name} has both value and valueFrom`, {
        app,
        variable: variable.name,
      });
    }
    const value =
      variable.valueFrom !== undefined
        ? fromSource(variable.name, variable.valueFrom)
        : expand(String(variable.value ?? ''), out);
    // The kubelet skips an optional source that is missing: an earlier value stays.
    if (value !== undefined) out[variable.name] = value;
  }
  return out;
}

function expand(value: string, defined: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name?: string) =>
    name === undefined ? '$' : (defined[name] ?? match),
  );
}
