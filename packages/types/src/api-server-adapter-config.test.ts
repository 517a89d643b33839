import {
  makeApiServerAdapterConfig,
  parseApiServerAdapterConfig,
} from './api-server-adapter-config.js';
import type { ApiServerSource } from './api-server-source.js';

const source: ApiServerSource = {
  apiVersion: 'sources.knative.dev/v1',
  kind: 'ApiServerSource',
  metadata: { namespace: 'demo', name: 's' },
  spec: {
    mode: 'Resource',
    resources: [
      { apiVersion: 'v1', kind: 'ConfigMap', selector: { matchLabels: { app: 'x' } } },
      { apiVersion: 'apps/v1', kind: 'Deployment' },
    ],
    owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
    sink: { uri: 'http://x' },
  },
};

describe('ApiServerSource adapter config', () => {
  it('carries Knative fields and round-trips', () => {
    const cfg = makeApiServerAdapterConfig(source, ['demo'], false);
    expect(cfg).toEqual({
      namespaces: ['demo'],
      mode: 'Resource',
      owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
      resources: [
        {
          gvr: { Group: '', Version: 'v1', Resource: 'configmaps' },
          selector: 'app=x',
          apiVersion: 'v1',
          kind: 'ConfigMap',
        },
        {
          gvr: { Group: 'apps', Version: 'v1', Resource: 'deployments' },
          apiVersion: 'apps/v1',
          kind: 'Deployment',
        },
      ],
    });
    expect(parseApiServerAdapterConfig(JSON.stringify(cfg))).toEqual(cfg);
  });

  it.each([
    ['not json', /not JSON/],
    ['[]', /mode/],
    ['{"mode":"Resource","resources":[]}', /resources/],
    ['{"mode":"Resource","resources":[{"apiVersion":"v1"}]}', /resources\[0\]/],
    ['{"mode":"Resource","resources":[{"apiVersion":"v1","kind":"Pod"}]}', /namespaces/],
  ])('refuses %s', (json, err) => expect(() => parseApiServerAdapterConfig(json)).toThrow(err));

  it('accepts all namespaces without a list', () => {
    const json =
      '{"mode":"Reference","allNamespaces":true,"resources":[{"apiVersion":"v1","kind":"Pod"}]}';
    expect(parseApiServerAdapterConfig(json).allNamespaces).toBe(true);
  });
});
