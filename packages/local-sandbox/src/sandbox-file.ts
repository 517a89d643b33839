/**
 * `.local/sandbox.json`: how people and scripts find the running sandbox. Written only once
 * every app answers its health check, then again when an example's result is seen; removed
 * when the sandbox stops. Written atomically (temp file + rename), so a reader polling it
 * never sees half a file.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';

export type ExampleState = 'waiting' | 'ok';

export interface SandboxFile {
  /** Each app's local base URL: its event (HTTP) port when it has one, else its admin port. */
  apps: Record<string, string>;
  /** Each app's admin URL (/healthz, /readyz, /metrics). */
  admin: Record<string, string>;
  /** Every registered Service, `<namespace>/<name>`: the local URL its port http reaches. */
  services: Record<string, string>;
  /** Each local process's log file. */
  logs: Record<string, string>;
  kubeconfig: string;
  systemNamespace: string;
  /** The launcher's pid (send it SIGINT or SIGTERM to stop the sandbox). */
  pid: number;
  examples: Record<string, ExampleState>;
}

/** The file's text: stable key order, one trailing newline. */
export function renderSandboxFile(state: SandboxFile): string {
  const sorted = (record: Record<string, string>) =>
    Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
  return `${JSON.stringify(
    {
      apps: sorted(state.apps),
      admin: sorted(state.admin),
      services: sorted(state.services),
      logs: sorted(state.logs),
      kubeconfig: state.kubeconfig,
      systemNamespace: state.systemNamespace,
      pid: state.pid,
      examples: sorted(state.examples),
    },
    null,
    2,
  )}\n`;
}

/** Writes `state` to `path` atomically. */
export function writeSandboxFile(path: string, state: SandboxFile): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, renderSandboxFile(state));
  renameSync(tmp, path);
}

/** Removes the file (nothing is running any more). */
export function removeSandboxFile(path: string): void {
  rmSync(path, { force: true });
}
