import type { KubeObject } from '@knative-ts/kube';

/** The variables a SinkBinding owns in its subjects' containers (Knative's Do/Undo). */
export const SinkEnvNames = ['K_SINK', 'K_CE_OVERRIDES', 'K_CA_CERTS'] as const;

type EnvVar = { name: string; value?: string; [field: string]: unknown };
type Container = { name?: string; env?: EnvVar[]; [field: string]: unknown };
type PodSpec = { containers?: Container[]; initContainers?: Container[]; [field: string]: unknown };

/** What a binding injects: the sink URL, the overrides as JSON ('' without), CA certs. */
export interface SinkEnv {
  sinkUri: string;
  ceOverrides: string;
  caCerts?: string;
}

/**
 * Where the pod spec of a PodSpecable lives: `spec.template.spec`, or for a CronJob
 * `spec.jobTemplate.spec.template.spec` (Knative's WithPod duck covers the first; its
 * webhook handles CronJobs the same way through their job template).
 */
function podSpecOf(obj: KubeObject): PodSpec | undefined {
  const spec = obj.spec as Record<string, unknown> | undefined;
  if (obj.kind === 'CronJob') {
    const job = spec?.['jobTemplate'] as { spec?: { template?: { spec?: PodSpec } } } | undefined;
    return job?.spec?.template?.spec;
  }
  return (spec?.['template'] as { spec?: PodSpec } | undefined)?.spec;
}

const owned = new Set<string>(SinkEnvNames);

function strip(containers: Container[] | undefined): void {
  for (const c of containers ?? []) {
    if (c.env) c.env = c.env.filter((e) => !owned.has(e.name));
  }
}

/** A copy of `obj` with the binding's variables removed from every container (Undo). */
export function withoutSinkEnv<T extends KubeObject>(obj: T): T {
  const out = structuredClone(obj);
  const pod = podSpecOf(out);
  strip(pod?.containers);
  strip(pod?.initContainers);
  return out;
}

/**
 * A copy of `obj` whose every container and init container carries K_SINK,
 * K_CE_OVERRIDES (and K_CA_CERTS when the sink has CA certificates) after its own
 * variables, replacing earlier values (Knative's Do: Undo, then append).
 */
export function withSinkEnv<T extends KubeObject>(obj: T, env: SinkEnv): T {
  const out = withoutSinkEnv(obj);
  const pod = podSpecOf(out);
  const vars: EnvVar[] = [{ name: 'K_SINK', value: env.sinkUri }];
  if (env.caCerts) vars.push({ name: 'K_CA_CERTS', value: env.caCerts });
  vars.push({ name: 'K_CE_OVERRIDES', value: env.ceOverrides });
  for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
    c.env = [...(c.env ?? []), ...vars.map((v) => ({ ...v }))];
  }
  return out;
}

/** Whether `obj` has a pod template this binding can write to. */
export function hasPodTemplate(obj: KubeObject): boolean {
  return podSpecOf(obj) !== undefined;
}
