/** What the sandbox prints: what runs, where, and the next commands to try. */

export interface RunningEntry {
  name: string;
  url: string;
  log: string;
}

/** One aligned line per app or Service: name, URL, how to read its log. */
export function runningTable(entries: RunningEntry[]): string {
  const width = Math.max(...entries.map((e) => e.name.length), 4) + 2;
  const urlWidth = Math.max(...entries.map((e) => e.url.length), 4) + 2;
  return entries
    .map((e) => `  ${e.name.padEnd(width)}${e.url.padEnd(urlWidth)}${e.log}`)
    .join('\n');
}

export interface NextStepsInput {
  /** Namespace of the Sequence example. */
  namespace: string;
  /** Where the chart is installed. */
  systemNamespace: string;
  imcUrl: string;
  brokerIngressUrl: string;
  displayUrl: string;
  clusterDomain: string;
}

const CE = `-H 'ce-specversion: 1.0' -H 'ce-id: 1' -H 'ce-source: /curl' -H 'ce-type: demo' \\
    -H 'content-type: application/json'`;

/** The commands to try next, with this sandbox's URLs filled in. */
export function nextSteps(input: NextStepsInput): string {
  const {
    namespace: ns,
    systemNamespace: sys,
    imcUrl,
    brokerIngressUrl,
    displayUrl,
    clusterDomain,
  } = input;
  const channel = 'sequence-kn-sequence-0';
  return `Next, try:
  source .local/env          # kubectl and helm on PATH, KUBECONFIG set
  kubectl get sequences,inmemorychannels,subscriptions,pingsources -n ${ns}
  curl -s ${displayUrl}/events        # what the Sequence's event display received
  kubectl get pods -n ${sys}; kubectl logs -n ${sys} deploy/imc-dispatcher
  kubectl logs -n ${ns} deploy/event-display -f
  kubectl exec -n ${ns} deploy/event-display -- node -e 'fetch("http://first.${ns}.svc.${clusterDomain}/").then(r => console.log(r.status))'
  kubectl port-forward -n ${sys} svc/broker-ingress 8080:80   # then http://127.0.0.1:8080

  # an event into the Sequence's first channel (imc-dispatcher, by path):
  curl -i ${imcUrl}/${ns}/${channel} ${CE} -d '{"message":"hi"}'
  # the same channel by the address a cluster uses (Host header):
  curl -i ${imcUrl}/ -H 'Host: ${channel}-kn-channel.${ns}.svc.${clusterDomain}' ${CE} -d '{"message":"hi"}'

  # a Broker whose Trigger sends everything to the same display, then an event to it:
  kubectl apply -n ${ns} -f - <<'YAML'
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: {name: default}
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: to-display}
spec: {broker: default, subscriber: {ref: {apiVersion: v1, kind: Service, name: event-display}}}
YAML
  curl -i ${brokerIngressUrl}/${ns}/default ${CE} -d '{"message":"via the broker"}'

  # a subscriber on this machine: listen on $HOST_FOR_PODS (or 0.0.0.0) and subscribe
  # uri: http://$HOST_FOR_PODS:<port>/ (source .local/env sets HOST_FOR_PODS)

  # the other examples of deploy/examples too, each in namespace demo-<name>:
  SANDBOX_EXAMPLES=sequence,broker-trigger,channel-fanout,parallel npm start`;
}
