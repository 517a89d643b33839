import { nextSteps, runningTable } from './report.js';

describe('runningTable', () => {
  it('aligns name, URL and log', () => {
    expect(
      runningTable([
        { name: 'imc-dispatcher', url: 'http://127.0.0.1:19110', log: 'a.log' },
        { name: 'first', url: 'http://127.0.0.1:19200', log: 'b.log' },
      ]).split('\n'),
    ).toEqual([
      '  imc-dispatcher  http://127.0.0.1:19110  a.log',
      '  first           http://127.0.0.1:19200  b.log',
    ]);
  });
});

describe('nextSteps', () => {
  const text = nextSteps({
    namespace: 'demo',
    systemNamespace: 'knative-eventing',
    imcUrl: 'http://127.0.0.1:19110',
    brokerIngressUrl: 'http://127.0.0.1:19140',
    displayUrl: 'http://127.0.0.1:19203',
    clusterDomain: 'cluster.local',
  });

  it.each([
    ['the display', 'curl -s http://127.0.0.1:19203/events'],
    ['the channel by path', 'curl -i http://127.0.0.1:19110/demo/sequence-kn-sequence-0 '],
    ['the channel by Host', "-H 'Host: sequence-kn-sequence-0-kn-channel.demo.svc.cluster.local'"],
    ['the broker', 'curl -i http://127.0.0.1:19140/demo/default '],
    ['kubectl apply', "kubectl apply -n demo -f - <<'YAML'"],
    ['the logs', 'kubectl logs -n knative-eventing deploy/imc-dispatcher'],
    ['exec', 'kubectl exec -n demo deploy/event-display'],
    ['port-forward', 'kubectl port-forward -n knative-eventing svc/broker-ingress'],
    ['a subscriber outside the cluster', 'http://$HOST_FOR_PODS:<port>/'],
  ])('shows %s', (_what, fragment) => {
    expect(text).toContain(fragment);
  });
});
