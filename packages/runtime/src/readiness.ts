/** A readiness check: resolves true when ready; false or a throw means not ready. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface FailingCheck {
  name: string;
  error?: string;
}

/** The named checks that together decide whether the process may receive traffic. */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  /** Register (or replace) the check called `name`. */
  add(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** Run every check; ready only when none fails. */
  async evaluate(): Promise<{ ready: boolean; failing: FailingCheck[] }> {
    const results = await Promise.all(
      [...this.checks].map(async ([name, check]): Promise<FailingCheck | undefined> => {
        try {
          return (await check()) ? undefined : { name };
        } catch (err) {
          return { name, error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
    const failing = results.filter((r): r is FailingCheck => r !== undefined);
    return { ready: failing.length === 0, failing };
  }
}
