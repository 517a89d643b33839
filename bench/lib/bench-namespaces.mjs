// Bench namespaces that go away. A namespace holding objects with our controller's
// finalizers (Subscriptions, durable channels, SinkBindings) only finishes deleting while
// the controller runs; a bench cut off mid-way leaves it Terminating, and the
// kube-controller-manager's namespace controller then re-lists it for ever. One such
// namespace with 1,111 Subscriptions kept kube-apiserver at ~22 % of a core on an idle
// cluster, skewing every later bench run on the machine.
import { execFileSync } from 'node:child_process';
import { isNotFound } from '@knative-ts/kube';
import { until } from './harness.mjs';

const BENCH_NAMESPACE = /^bench-/;
const RELEASE_CONCURRENCY = 16;

/**
 * Deletes `names` and waits until they are gone, while the caller's controller still
 * runs to release its finalizers; what is left after `timeoutMs` has its finalizers
 * dropped so that the namespace does not outlive the run.
 */
export async function deleteBenchNamespaces(client, names, { env, say, timeoutMs = 60_000 }) {
  for (const name of names) {
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', name }).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  }
  const gone = () => allGone(client, names);
  try {
    await until(`namespaces ${names.join(', ')} to be deleted`, gone, timeoutMs, 500);
  } catch (err) {
    say?.(`${err.message}; dropping the finalizers left in them`);
    for (const name of names) await releaseFinalizers(client, name, env);
    await until(`namespaces ${names.join(', ')} to be deleted`, gone, 60_000, 500);
  }
}

/** Frees bench namespaces that earlier, cut-off runs left Terminating. */
export async function sweepStaleBenchNamespaces(client, { env, say }) {
  const { items } = await client.list({ apiVersion: 'v1', kind: 'Namespace' });
  const stuck = items.filter(
    (ns) => BENCH_NAMESPACE.test(ns.metadata.name) && ns.metadata.deletionTimestamp,
  );
  for (const ns of stuck) {
    say(`namespace ${ns.metadata.name} was left Terminating by an earlier run: freeing it`);
    await releaseFinalizers(client, ns.metadata.name, env);
  }
}

async function allGone(client, names) {
  for (const name of names) {
    try {
      await client.get({ apiVersion: 'v1', kind: 'Namespace', name });
      return false;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return true;
}

/** Drops the finalizers of every Knative object in `namespace`. */
async function releaseFinalizers(client, namespace, env) {
  const kinds = execFileSync(
    'kubectl',
    ['api-resources', '--namespaced=true', '--verbs=list,patch', '-o', 'name'],
    { env, encoding: 'utf8' },
  )
    .split('\n')
    .filter((resource) => resource.endsWith('.knative.dev'));
  if (kinds.length === 0) return;
  const { items } = JSON.parse(
    execFileSync('kubectl', ['get', kinds.join(','), '-n', namespace, '-o', 'json'], {
      env,
      encoding: 'utf8',
      maxBuffer: 256 * 2 ** 20,
    }),
  );
  const held = items.filter((o) => o.metadata.finalizers?.length);
  const release = async (o) => {
    const ref = { apiVersion: o.apiVersion, kind: o.kind, namespace, name: o.metadata.name };
    await client.patch(ref, { metadata: { finalizers: null } }).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  };
  for (let i = 0; i < held.length; i += RELEASE_CONCURRENCY) {
    await Promise.all(held.slice(i, i + RELEASE_CONCURRENCY).map(release));
  }
}
