import type { KubeObject } from '@knative-ts/kube';
import { FakeKubeClient } from '@knative-ts/kube/testing';
import { liveReferences } from '../../references/references.js';
import { findSubjects, isSubject } from './subjects.js';

const obj = (
  apiVersion: string,
  kind: string,
  name: string,
  labels: Record<string, string> = {},
  extra: object = {},
): KubeObject => ({ apiVersion, kind, metadata: { namespace: 'ns', name, labels }, ...extra });
const cron = (name: string, labels: Record<string, string>) =>
  obj('batch/v1', 'CronJob', name, {}, { spec: { jobTemplate: { metadata: { labels } } } });
const jobs = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  namespace: 'ns',
  selector: { matchLabels: { app: 'hb' } },
};

describe('SinkBinding subjects', () => {
  it('binds Jobs selected by label through the CronJobs that create them', async () => {
    const ownedJob = obj('batch/v1', 'Job', 'hb-123', { app: 'hb' });
    ownedJob.metadata.ownerReferences = [
      { apiVersion: 'batch/v1', kind: 'CronJob', name: 'hb', uid: 'u', controller: true },
    ];
    const client = new FakeKubeClient({
      objects: [
        cron('hb', { app: 'hb' }),
        cron('other', { app: 'x' }),
        ownedJob,
        obj('batch/v1', 'Job', 'solo', { app: 'hb' }),
      ],
    });
    const { objects } = await findSubjects(liveReferences(client), jobs, 'ns/b');
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['CronJob/hb', 'Job/solo']);
  });

  it.each([
    [cron('hb', { app: 'hb' }), jobs, true],
    [cron('x', { app: 'x' }), jobs, false],
    [
      obj('apps/v1', 'Deployment', 'd', { app: 'hb' }),
      { ...jobs, apiVersion: 'apps/v1', kind: 'Deployment' },
      true,
    ],
    [
      obj('apps/v1', 'Deployment', 'd'),
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ns', name: 'd' },
      true,
    ],
    [
      obj('apps/v1', 'Deployment', 'd'),
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'other', name: 'd' },
      false,
    ],
    [
      obj('apps/v1', 'StatefulSet', 'd'),
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ns', name: 'd' },
      false,
    ],
  ])('isSubject %#', (o, subject, want) => expect(isSubject(subject, o)).toBe(want));
});
