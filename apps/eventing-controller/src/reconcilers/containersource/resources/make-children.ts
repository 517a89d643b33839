import { ownerReference } from '@knative-ts/reconciler';
import {
  containerSourceDeploymentName,
  containerSourceSinkBindingName,
  type ContainerSource,
  type SinkBinding,
} from '@knative-ts/types';
import type { Deployment } from '../../deployment-availability.js';

/** Labels of a ContainerSource's pods (Knative's containersource `resources.Labels`). */
export function containerSourceLabels(name: string): Record<string, string> {
  return {
    'sources.knative.dev/source': 'container-source-controller',
    'sources.knative.dev/containerSource': name,
  };
}

/** The Deployment running `spec.template` (Knative's MakeDeployment), named `<name>-deployment`. */
export function makeDeployment(source: ContainerSource): Deployment {
  const name = source.metadata.name ?? '';
  const template = structuredClone(source.spec.template);
  template.metadata = {
    ...template.metadata,
    labels: { ...template.metadata?.labels, ...containerSourceLabels(name) },
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      namespace: source.metadata.namespace,
      name: containerSourceDeploymentName(name),
      labels: template.metadata.labels,
      ownerReferences: [ownerReference(source)],
    },
    spec: {
      selector: { matchLabels: containerSourceLabels(name) },
      template: template as NonNullable<Deployment['spec']>['template'],
    },
  };
}

/** The SinkBinding pointing that Deployment at the sink (Knative's MakeSinkBinding). */
export function makeSinkBinding(source: ContainerSource): SinkBinding {
  const name = source.metadata.name ?? '';
  const spec: SinkBinding['spec'] = {
    sink: source.spec.sink,
    subject: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: source.metadata.namespace ?? '',
      name: containerSourceDeploymentName(name),
    },
  };
  if (source.spec.ceOverrides) spec.ceOverrides = source.spec.ceOverrides;
  return {
    apiVersion: 'sources.knative.dev/v1',
    kind: 'SinkBinding',
    metadata: {
      namespace: source.metadata.namespace,
      name: containerSourceSinkBindingName(name),
      ownerReferences: [ownerReference(source)],
    },
    spec,
  };
}
