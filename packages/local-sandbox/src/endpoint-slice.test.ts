import { makeLocalEndpointSlice, sliceName } from './endpoint-slice.js';

describe('makeLocalEndpointSlice', () => {
  it('is an FQDN slice at 127.0.0.1, labeled for the Service and managed by the sandbox', () => {
    const slice = makeLocalEndpointSlice({
      namespace: 'knative-eventing',
      service: 'imc-dispatcher',
      ports: { 'http-metrics': 19111, http: 19110 },
    });
    expect(slice).toEqual({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'imc-dispatcher-local-sandbox',
        namespace: 'knative-eventing',
        labels: {
          'kubernetes.io/service-name': 'imc-dispatcher',
          'endpointslice.kubernetes.io/managed-by': 'knative-ts-sandbox',
          'app.kubernetes.io/managed-by': 'knative-ts-sandbox',
        },
      },
      addressType: 'FQDN',
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
      ports: [
        { name: 'http', port: 19110, protocol: 'TCP' },
        { name: 'http-metrics', port: 19111, protocol: 'TCP' },
      ],
    });
  });

  it('refuses a registration without ports', () => {
    expect(() => makeLocalEndpointSlice({ namespace: 'demo', service: 'x', ports: {} })).toThrow(
      'no local port to register for demo/x',
    );
  });

  it('names one slice per Service', () => {
    expect(sliceName('event-display')).toBe('event-display-local-sandbox');
  });
});
