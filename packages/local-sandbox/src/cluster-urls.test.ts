import { serviceUrl } from './cluster-urls.js';

const svc = (clusterIP: string | undefined, ports: Array<{ name?: string; port: number }>) => ({
  metadata: { name: 's' },
  spec: { ...(clusterIP !== undefined && { clusterIP }), ports },
});

describe('serviceUrl', () => {
  it.each([
    [
      'port 80 without the port',
      svc('10.96.0.9', [{ name: 'http', port: 80 }]),
      'http',
      'http://10.96.0.9',
    ],
    [
      'another port with it',
      svc('10.96.0.9', [{ name: 'http-metrics', port: 9090 }]),
      'http-metrics',
      'http://10.96.0.9:9090',
    ],
    ['no such port', svc('10.96.0.9', [{ name: 'http', port: 80 }]), 'grpc', undefined],
    ['a headless Service', svc('None', [{ name: 'http', port: 80 }]), 'http', undefined],
    ['no ClusterIP yet', svc(undefined, [{ name: 'http', port: 80 }]), 'http', undefined],
  ])('%s', (_what, s, port, want) => expect(serviceUrl(s, port)).toBe(want));
});
