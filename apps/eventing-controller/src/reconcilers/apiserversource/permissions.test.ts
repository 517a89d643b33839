import { AccessReviews } from './access-reviews.js';
import { missingPermissions, serviceAccountUser } from './permissions.js';

describe('missingPermissions', () => {
  it('a fleet of 100 sources with one ServiceAccount asks the API server 3 questions', async () => {
    const reviews = new AccessReviews({ review: async (c) => c.verb !== 'watch' });
    const user = serviceAccountUser('demo', 'watcher');
    const resources = [{ apiVersion: 'v1', kind: 'ConfigMap' }];
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => missingPermissions(reviews, user, resources, ['demo'])),
    );
    expect(new Set(answers)).toEqual(
      new Set(['watch resource "configmaps" in API group "" in Namespace "demo"']),
    );
    expect(reviews.sent).toBe(3);
  });

  it('names every verb missing per resource and namespace, in Knative wording', async () => {
    const reviews = new AccessReviews({
      review: async (c) => c.namespace === 'a' || (c.resource === 'pods' && c.verb === 'get'),
    });
    const missing = await missingPermissions(
      reviews,
      serviceAccountUser('demo', ''),
      [
        { apiVersion: 'v1', kind: 'Pod' },
        { apiVersion: 'apps/v1', kind: 'Deployment' },
      ],
      ['a', 'b'],
    );
    expect(missing).toBe(
      'list, watch resource "pods" in API group "" in Namespace "b", get, list, watch resource "deployments" in API group "apps" in Namespace "b"',
    );
    expect(serviceAccountUser('demo', '')).toBe('system:serviceaccount:demo:default');
  });
});
