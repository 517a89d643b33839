import type { KubeObject } from '@knative-ts/kube';
import { hasPodTemplate, withoutSinkEnv, withSinkEnv } from './sink-env.js';

const deployment = (env?: Array<{ name: string; value: string }>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { namespace: 'ns', name: 'd' },
  spec: {
    template: {
      spec: {
        initContainers: [{ name: 'init', image: 'i' }],
        containers: [
          { name: 'a', image: 'a', ...(env && { env }) },
          { name: 'b', image: 'b' },
        ],
      },
    },
  },
});
const cronJob: KubeObject = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { namespace: 'ns', name: 'c' },
  spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c' }] } } } } },
};

type Pod = Record<'containers' | 'initContainers', Array<{ env?: unknown }>>;
const envOf = (obj: KubeObject, path: 'containers' | 'initContainers' = 'containers') => {
  const spec = obj.spec as {
    template?: { spec: Pod };
    jobTemplate?: { spec: { template: { spec: Pod } } };
  };
  const pod = obj.kind === 'CronJob' ? spec.jobTemplate?.spec.template.spec : spec.template?.spec;
  return pod?.[path].map((c) => c.env);
};

const sink = { sinkUri: 'http://sink.ns.svc.cluster.local', ceOverrides: '' };

describe('withSinkEnv / withoutSinkEnv', () => {
  it.each([
    {
      name: 'appends to every container and init container',
      obj: deployment([{ name: 'OWN', value: '1' }]),
      env: sink,
      want: [
        [
          { name: 'OWN', value: '1' },
          { name: 'K_SINK', value: sink.sinkUri },
          { name: 'K_CE_OVERRIDES', value: '' },
        ],
        [
          { name: 'K_SINK', value: sink.sinkUri },
          { name: 'K_CE_OVERRIDES', value: '' },
        ],
      ],
    },
    {
      name: 'replaces an earlier sink and adds CA certs',
      obj: deployment([
        { name: 'K_SINK', value: 'http://old' },
        { name: 'OWN', value: '1' },
      ]),
      env: { sinkUri: 'http://new', ceOverrides: '{"extensions":{"a":"b"}}', caCerts: 'PEM' },
      want: [
        [
          { name: 'OWN', value: '1' },
          { name: 'K_SINK', value: 'http://new' },
          { name: 'K_CA_CERTS', value: 'PEM' },
          { name: 'K_CE_OVERRIDES', value: '{"extensions":{"a":"b"}}' },
        ],
        [
          { name: 'K_SINK', value: 'http://new' },
          { name: 'K_CA_CERTS', value: 'PEM' },
          { name: 'K_CE_OVERRIDES', value: '{"extensions":{"a":"b"}}' },
        ],
      ],
    },
  ])('$name', ({ obj, env, want }) => {
    const bound = withSinkEnv(obj, env);
    expect(envOf(bound)).toEqual(want);
    expect(envOf(bound, 'initContainers')).toEqual([want[1]]);
    expect(envOf(obj)).not.toEqual(want);
  });

  it('removes only its own variables', () => {
    const bound = withSinkEnv(deployment([{ name: 'OWN', value: '1' }]), sink);
    expect(envOf(withoutSinkEnv(bound))).toEqual([[{ name: 'OWN', value: '1' }], []]);
  });

  it('binds a CronJob through its job template', () => {
    expect(envOf(withSinkEnv(cronJob, sink))).toEqual([
      [
        { name: 'K_SINK', value: sink.sinkUri },
        { name: 'K_CE_OVERRIDES', value: '' },
      ],
    ]);
  });

  it.each([
    [deployment(), true],
    [cronJob, true],
    [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }, false],
  ])('hasPodTemplate %#', (obj, want) => expect(hasPodTemplate(obj as KubeObject)).toBe(want));
});
