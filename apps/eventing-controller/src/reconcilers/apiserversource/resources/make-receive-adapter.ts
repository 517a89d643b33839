import { ownerReference } from '@knative-ts/reconciler';
import {
  AdapterEnv,
  apiServerSourceDeploymentName,
  makeApiServerAdapterConfig,
  type ApiServerSource,
} from '@knative-ts/types';
import type { Deployment } from '../../deployment-availability.js';

/** Labels of an adapter Deployment and its pods (Knative's `resources.Labels`). */
export function adapterLabels(sourceName: string): Record<string, string> {
  return {
    'eventing.knative.dev/source': 'apiserver-source-controller',
    'eventing.knative.dev/sourceName': sourceName,
  };
}

export interface ReceiveAdapterArgs {
  image: string;
  /** The defaulted source. */
  source: ApiServerSource;
  sinkUri: string;
  caCerts?: string;
  audience?: string;
  namespaces: string[];
  allNamespaces: boolean;
  systemNamespace: string;
}

type EnvVar = { name: string; value?: string; valueFrom?: object };

/**
 * The adapter Deployment of one ApiServerSource (Knative's MakeReceiveAdapter): one
 * replica in the source's namespace, running as the source's ServiceAccount so that RBAC
 * bounds what it can watch, configured through K_SINK, K_SOURCE_CONFIG and K_CE_OVERRIDES.
 */
export function makeReceiveAdapter(args: ReceiveAdapterArgs): Deployment {
  const { source } = args;
  const name = source.metadata.name ?? '';
  const labels = adapterLabels(name);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      namespace: source.metadata.namespace,
      name: apiServerSourceDeploymentName(name, source.metadata.uid ?? ''),
      labels,
      ownerReferences: [ownerReference(source)],
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: { 'sidecar.istio.io/inject': 'true' } },
        spec: {
          serviceAccountName: source.spec.serviceAccountName || 'default',
          enableServiceLinks: false,
          containers: [
            {
              name: 'receive-adapter',
              image: args.image,
              env: makeEnv(args),
              ports: [{ name: 'metrics', containerPort: 9090 }],
              // Our adapters serve health on the admin port (Knative: a separate 8080).
              readinessProbe: { httpGet: { path: '/readyz', port: 'metrics' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
            },
          ],
        },
      },
    },
  };
}

function makeEnv(args: ReceiveAdapterArgs): EnvVar[] {
  const config = makeApiServerAdapterConfig(args.source, args.namespaces, args.allNamespaces);
  const fieldRef = (fieldPath: string) => ({ fieldRef: { apiVersion: 'v1', fieldPath } });
  const env: EnvVar[] = [
    { name: AdapterEnv.Sink, value: args.sinkUri },
    { name: AdapterEnv.SourceConfig, value: JSON.stringify(config) },
    { name: 'SYSTEM_NAMESPACE', value: args.systemNamespace },
    { name: AdapterEnv.Namespace, valueFrom: fieldRef('metadata.namespace') },
    { name: AdapterEnv.Name, value: args.source.metadata.name ?? '' },
    { name: 'METRICS_DOMAIN', value: 'knative.dev/eventing' },
    { name: 'POD_NAME', valueFrom: fieldRef('metadata.name') },
    { name: 'CONTAINER_NAME', value: 'receive-adapter' },
  ];
  if (args.caCerts) env.push({ name: AdapterEnv.CACerts, value: args.caCerts });
  if (args.audience) env.push({ name: 'K_AUDIENCE', value: args.audience });
  const overrides = args.source.spec.ceOverrides;
  if (overrides) env.push({ name: AdapterEnv.CeOverrides, value: JSON.stringify(overrides) });
  return env;
}
