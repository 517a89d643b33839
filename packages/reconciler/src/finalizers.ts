import { refOf, type KubeClient, type KubeObject } from '@knative-ts/kube';

export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata.finalizers?.includes(finalizer) ?? false;
}

/**
 * Adds or removes `finalizer` with a merge patch carrying the resourceVersion, so a
 * concurrent change makes it fail with 409 instead of overwriting the list (as Knative does).
 */
export async function setFinalizer<T extends KubeObject>(
  client: KubeClient,
  obj: T,
  finalizer: string,
  present: boolean,
): Promise<T> {
  const others = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  const finalizers = present ? [...others, finalizer] : others;
  return client.patch<T>(refOf(obj), {
    metadata: {
      finalizers: finalizers.length > 0 ? finalizers : null,
      resourceVersion: obj.metadata.resourceVersion,
    },
  });
}
