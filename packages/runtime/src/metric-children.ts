/**
 * The child of a labelled metric for each label set, kept: finding a label set's series
 * costs an object and a sorted key, too much for every `inc`/`observe` on the hot path.
 * The caller keys a label set by its values (cheap to build); the children are bounded and
 * cleared when full, since label sets are per namespace / trigger / type / status and the
 * ones in use come back at once (a child made again finds the same series).
 */
const DEFAULT_MAX_CHILDREN = 10_000;

export class MetricChildren<Child> {
  private readonly children = new Map<string, Child>();

  constructor(
    private readonly childOf: (labels: Record<string, string>) => Child,
    private readonly max = DEFAULT_MAX_CHILDREN,
  ) {}

  /** The child for the label set `key` names; `labels()` builds it the first time. */
  get(key: string, labels: () => Record<string, string>): Child {
    let child = this.children.get(key);
    if (child === undefined) {
      if (this.children.size >= this.max) this.children.clear();
      child = this.childOf(labels());
      this.children.set(key, child);
    }
    return child;
  }
}

/** A key for a label set from its values (no value holds a NUL). */
export const labelKey = (...values: ReadonlyArray<string | number>): string =>
  values.join('\u0000');
