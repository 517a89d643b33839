import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '@knative-ts/kube';

/** deploy/examples of this repository. */
export const examplesDir = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../deploy/examples',
);

/** A Deployment's one container, as much as a local run of a test service needs. */
export interface LocalService {
  /** The Service (and Deployment) name. */
  name: string;
  /** The test service the container runs (its first argument). */
  service: string;
  env: Record<string, string>;
}

interface Deployment extends KubeObject {
  spec: {
    template: {
      spec: {
        containers: Array<{ args?: string[]; env?: Array<{ name: string; value?: string }> }>;
      };
    };
  };
}

/** Every object of the example `folder`, in file order then document order. */
export function loadExample(folder: string): KubeObject[] {
  const dir = join(examplesDir, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => {
        if (doc.errors.length > 0) throw new Error(`${folder}/${file}: ${doc.errors[0]?.message}`);
        return doc.toJSON() as KubeObject;
      }),
    )
    .filter((obj) => obj !== null);
}

/** The test services the example's Deployments run. */
export function localServices(objects: KubeObject[]): LocalService[] {
  return objects
    .filter((o): o is Deployment => o.kind === 'Deployment')
    .map((d) => {
      const container = d.spec.template.spec.containers[0];
      const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value ?? '']));
      return { name: d.metadata.name ?? '', service: container?.args?.[0] ?? '', env };
    });
}
