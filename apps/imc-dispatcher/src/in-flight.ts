/** Work started by requests that already got their answer (async fan-out), for draining. */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  /** Keeps `work` until it settles. */
  track(work: Promise<unknown>): void {
    this.pending.add(work);
    const remove = (): void => void this.pending.delete(work);
    // Settling either way ends tracking; the caller handles the outcome itself.
    work.then(remove, remove);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves once everything tracked so far (and tracked meanwhile) has settled. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
