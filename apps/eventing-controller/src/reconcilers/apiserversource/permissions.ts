import { guessResource, type APIVersionKindSelector } from '@knative-ts/types';
import type { AccessReviews } from './access-reviews.js';

/** The verbs an adapter's informers need on every watched resource. */
export const WatchVerbs = ['get', 'list', 'watch'] as const;

/** The user a ServiceAccount authenticates as. */
export function serviceAccountUser(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount || 'default'}`;
}

/**
 * What `user` may not do of get/list/watch on each resource in each namespace, phrased as
 * Knative's runAccessCheck does (`get, list, watch resource "configmaps" in API group ""
 * in Namespace "demo"`, joined by ", "); empty when everything is allowed.
 */
export async function missingPermissions(
  reviews: AccessReviews,
  user: string,
  resources: APIVersionKindSelector[],
  namespaces: string[],
): Promise<string> {
  const missing: string[] = [];
  for (const res of resources) {
    const slash = res.apiVersion.indexOf('/');
    const group = slash < 0 ? '' : res.apiVersion.slice(0, slash);
    const resource = guessResource(res.kind);
    for (const namespace of namespaces) {
      const answers = await Promise.all(
        WatchVerbs.map((verb) => reviews.allowed({ user, namespace, group, resource, verb })),
      );
      const verbs = WatchVerbs.filter((_, i) => !answers[i]);
      if (verbs.length > 0) {
        missing.push(
          `${verbs.join(', ')} resource "${resource}" in API group "${group}" in Namespace "${namespace}"`,
        );
      }
    }
  }
  return missing.join(', ');
}
