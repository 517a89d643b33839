/**
 * `helm template` of charts/eventing, for the integration suites: they run the apps as
 * local processes configured from this output (chart-environment.ts). helm is found as
 * npm start finds it, on PATH ('source .local/env' puts it there), else in the repo's
 * .local/bin, where test/cluster/up.sh installs it.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runOrFail } from './command.js';
import { SandboxError, SandboxErrorCode } from './errors.js';
import { helmTemplateArgs, type ChartValues } from './helm.js';

/**
 * A command line tool (helm, kubectl): on PATH, else in `<repo>/.local/bin`, where
 * `npm run cluster:up` installs it.
 */
export function toolPath(repo: string, tool: string, path = process.env['PATH'] ?? ''): string {
  const dirs = [...path.split(delimiter), join(repo, '.local/bin')].filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory; the next one may have it.
    }
  }
  throw new SandboxError(
    SandboxErrorCode.Config,
    `${tool} is not on PATH nor in ${join(repo, '.local/bin')}`,
    `run 'npm run cluster:up' (it installs ${tool} into .local/bin), then 'source .local/env'`,
    { repo, tool },
  );
}

/** The helm binary: on PATH, else `<repo>/.local/bin/helm`. */
export const helmPath = (repo: string, path?: string): string => toolPath(repo, 'helm', path);

export interface ChartTemplate extends ChartValues {
  /** The repo whose charts/eventing is rendered. */
  repo: string;
  release: string;
  /** The release namespace: the system namespace of what it renders. */
  namespace: string;
}

/** The chart's objects as `helm template` renders them with these values (multi-document YAML). */
export function renderChart({ repo, ...install }: ChartTemplate): Promise<string> {
  return runOrFail(
    helmPath(repo),
    helmTemplateArgs({ ...install, chart: join(repo, 'charts/eventing') }),
    "check the values passed (a value the chart's values.schema.json refuses is named above) and 'helm lint charts/eventing'",
  );
}
