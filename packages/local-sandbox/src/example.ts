/**
 * An example of deploy/examples as the sandbox runs it: its YAML is applied unchanged
 * (`kubectl apply -n <ns> -f <folder>`) and its Deployments run the test services as pods.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The test service a Deployment's one container runs. */
export interface ExampleService {
  /** The Service (and Deployment) name. */
  name: string;
  /** The test service (the container's first argument): appender, event-display, … */
  service: string;
  env: Record<string, string>;
}

interface Container {
  args?: string[];
  env?: Array<{ name: string; value?: string }>;
}

interface Manifest {
  kind?: string;
  metadata?: { name?: string };
  spec?: { template?: { spec?: { containers?: Container[] } } };
}

/** The Sequence example's expected reply at the event display. */
export const SEQUENCE_RESULT = 'hello, world! - Handled by 0 - Handled by 1 - Handled by 2';

/** Every document of the folder's YAML files, in file then document order. */
export function loadManifests(dir: string): Manifest[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => {
        if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
        return doc.toJSON() as Manifest | null;
      }),
    )
    .filter((m): m is Manifest => m !== null);
}

/** The test services the example's Deployments run. */
export function exampleServices(manifests: Manifest[]): ExampleService[] {
  return manifests
    .filter((m) => m.kind === 'Deployment')
    .map((d) => {
      const container = d.spec?.template?.spec?.containers?.[0];
      const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value ?? '']));
      return { name: d.metadata?.name ?? '', service: container?.args?.[0] ?? '', env };
    });
}

/** Whether the display's events (GET /events) hold the Sequence's full reply. */
export function hasSequenceResult(events: unknown): boolean {
  if (!Array.isArray(events)) return false;
  return events.some((e) => {
    const data = (e as { data?: { message?: unknown } } | null)?.data;
    return data?.message === SEQUENCE_RESULT;
  });
}
