import type { Condition, ConditionStatus, KnativeStatus } from './duck.js';

/** The happy condition of every living resource. */
export const Ready = 'Ready';

/** A clock reading, or the clock itself; reconcilers inject it so tests control time. */
export type Now = Date | (() => Date);

/** The status shape a condition manager works on: anything with a `conditions` list. */
export type ConditionsHolder = Pick<KnativeStatus, 'conditions'>;

/**
 * The condition types of one kind: `Ready` plus the dependents (Error severity) whose
 * states derive it, plus optional Info types that never affect `Ready`
 * (knative.dev/pkg apis.NewLivingConditionSet).
 */
export class ConditionSet<D extends string, I extends string = never> {
  readonly happy = Ready;
  readonly dependents: readonly D[];
  readonly info: readonly I[];

  constructor(dependents: readonly D[], info: readonly I[] = []) {
    // Knative drops duplicates and the happy type itself from the dependents.
    this.dependents = [...new Set(dependents)].filter((d) => d !== Ready);
    this.info = info;
  }

  /** Manage the conditions of `status` in place, stamping transitions with `now`. */
  manage(status: ConditionsHolder, now: Now): ConditionManager<D | I | typeof Ready> {
    return new ConditionManager(status, now, this.happy, this.dependents);
  }

  /** Whether `type` counts towards `Ready` (Error severity). */
  isTerminal(type: string): boolean {
    return type === this.happy || (this.dependents as readonly string[]).includes(type);
  }
}

/** Build the living condition set of a kind from its dependent (and Info) condition types. */
export function livingConditionSet<const D extends string, const I extends string = never>(
  dependents: readonly D[],
  info: readonly I[] = [],
): ConditionSet<D, I> {
  return new ConditionSet(dependents, info);
}

/** Format a Date as metav1.Time does: RFC 3339 in UTC, whole seconds. */
export function formatTransitionTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Knative writes Error severity as an empty string, so an absent severity is Error too. */
function isErrorSeverity(c: Condition): boolean {
  return c.severity === undefined || c.severity === '' || c.severity === 'Error';
}

/** Compare like Go's `<` on strings (byte order), which is how Knative sorts conditions. */
function byType(a: Condition, b: Condition): number {
  return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}

/** Equal apart from lastTransitionTime, with absent and empty strings alike (Go omitempty). */
function sameCondition(a: Condition, b: Condition): boolean {
  return (
    a.type === b.type &&
    a.status === b.status &&
    (a.reason ?? '') === (b.reason ?? '') &&
    (a.message ?? '') === (b.message ?? '') &&
    isErrorSeverity(a) === isErrorSeverity(b) &&
    (isErrorSeverity(a) || a.severity === b.severity)
  );
}

/**
 * Gives every condition in `after` that equals its namesake in `before` (apart from the
 * time) that condition's lastTransitionTime back. A reconcile that passes a condition
 * through an intermediate state (Unknown while resolving, then True again) otherwise
 * stamps a new time on an unchanged condition, and the status is rewritten on every
 * reconcile: Knative's times move only when the condition changed between writes.
 */
export function keepTransitionTimes(
  before: readonly Condition[] | undefined,
  after: Condition[] | undefined,
): void {
  if (!before || !after) return;
  for (const condition of after) {
    const old = before.find((c) => c.type === condition.type);
    if (old?.lastTransitionTime && sameCondition(old, condition)) {
      condition.lastTransitionTime = old.lastTransitionTime;
    }
  }
}

/**
 * Return `conditions` with `next` set: unchanged (same array) when only the transition time
 * would differ, otherwise a new array sorted by type with `next` stamped at `now`.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  next: Condition,
  now: Date,
): Condition[] {
  const current = conditions ?? [];
  const old = current.find((c) => c.type === next.type);
  if (old && sameCondition(old, next)) return current as Condition[];
  const stamped: Condition = { ...next, lastTransitionTime: formatTransitionTime(now) };
  return [...current.filter((c) => c.type !== next.type), stamped].sort(byType);
}

/** Build a condition the way Knative serialises it: empty fields and Error severity omitted. */
function makeCondition(
  type: string,
  status: ConditionStatus,
  terminal: boolean,
  reason?: string,
  message?: string,
): Condition {
  const c: Condition = { type, status };
  if (!terminal) c.severity = 'Info';
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

/**
 * Operates on the conditions of one status object, like knative.dev/pkg's ConditionManager.
 * Every change replaces `status.conditions` with a new array (condition objects are never
 * mutated), so snapshots taken before a reconcile stay intact for the status diff.
 */
export class ConditionManager<T extends string> {
  constructor(
    private readonly status: ConditionsHolder,
    private readonly now: Now,
    private readonly happy: string,
    private readonly dependents: readonly string[],
  ) {}

  /** The condition of `type`, if set. */
  getCondition(type: T): Condition | undefined {
    return this.status.conditions?.find((c) => c.type === type);
  }

  /** The `Ready` condition, if set. */
  getTopLevelCondition(): Condition | undefined {
    return this.status.conditions?.find((c) => c.type === this.happy);
  }

  /** Whether `Ready` is True. */
  isReady(): boolean {
    return this.getTopLevelCondition()?.status === 'True';
  }

  /** Whether the condition of `type` is True. */
  isTrue(type: T): boolean {
    return this.getCondition(type)?.status === 'True';
  }

  /** Set a condition verbatim (severity included); `Ready` is not recomputed. */
  setCondition(c: Condition): void {
    const clock = typeof this.now === 'function' ? this.now() : this.now;
    this.status.conditions = setCondition(this.status.conditions, c, clock);
  }

  /** Remove a non-terminal (Info) condition; returns false for terminal ones, as Knative refuses. */
  clearCondition(type: T): boolean {
    if (this.isTerminal(type)) return false;
    const list = this.status.conditions;
    if (list?.some((c) => c.type === type)) {
      this.status.conditions = list.filter((c) => c.type !== type);
    }
    return true;
  }

  /** Mark `type` True, then `Ready` True if every dependent is True. */
  markTrue(type: T): void {
    this.setCondition(makeCondition(type, 'True', this.isTerminal(type)));
    this.recomputeHappy(type);
  }

  /** Mark `type` True with a reason (e.g. "DeadLetterSinkNotConfigured"), then recompute `Ready`. */
  markTrueWithReason(type: T, reason: string, message = ''): void {
    this.setCondition(makeCondition(type, 'True', this.isTerminal(type), reason, message));
    this.recomputeHappy(type);
  }

  /** Mark `type` Unknown; `Ready` becomes Unknown too unless a dependent is already False. */
  markUnknown(type: T, reason: string, message = ''): void {
    this.setCondition(makeCondition(type, 'Unknown', this.isTerminal(type), reason, message));
    for (const d of this.dependents) {
      if (this.findCondition(d)?.status === 'False') {
        // False trumps Unknown; Knative then labels Ready with this call's reason.
        if (this.getTopLevelCondition()?.status !== 'False') {
          this.markFalse(this.happy as T, reason, message);
        }
        return;
      }
    }
    if (this.dependents.includes(type)) {
      this.setCondition(makeCondition(this.happy, 'Unknown', true, reason, message));
    }
  }

  /** Mark `type` False; a dependent also turns `Ready` False with the same reason. */
  markFalse(type: T, reason: string, message = ''): void {
    this.setCondition(makeCondition(type, 'False', this.isTerminal(type), reason, message));
    if (this.dependents.includes(type)) {
      this.setCondition(makeCondition(this.happy, 'False', true, reason, message));
    }
  }

  /**
   * Mirror a child's condition onto `type`: True → True, False → False, otherwise Unknown,
   * keeping the child's reason and message (fallbacks used when the child has none).
   */
  propagate(
    type: T,
    child: Condition | undefined,
    fallbackReason: string,
    fallbackMessage = '',
  ): void {
    const reason = child?.reason || fallbackReason;
    const message = child?.message || fallbackMessage;
    if (child?.status === 'True') this.markTrue(type);
    else if (child?.status === 'False') this.markFalse(type, reason, message);
    else this.markUnknown(type, reason, message);
  }

  /** Set `Ready` Unknown when absent, and every missing dependent to Unknown (True if Ready is). */
  initialize(): void {
    let happy = this.getTopLevelCondition();
    if (!happy) {
      happy = makeCondition(this.happy, 'Unknown', true);
      this.setCondition(happy);
    }
    const status: ConditionStatus = happy.status === 'True' ? 'True' : 'Unknown';
    for (const d of this.dependents) {
      if (!this.findCondition(d)) this.setCondition(makeCondition(d, status, true));
    }
  }

  private findCondition(type: string): Condition | undefined {
    return this.status.conditions?.find((c) => c.type === type);
  }

  private isTerminal(type: string): boolean {
    return type === this.happy || this.dependents.includes(type);
  }

  /** Knative's markHappy: propagate the most relevant unhappy dependent, else Ready True. */
  private recomputeHappy(changed: string): void {
    const unhappy = this.findUnhappyDependent();
    if (unhappy) {
      this.setCondition(
        makeCondition(this.happy, unhappy.status, true, unhappy.reason, unhappy.message),
      );
    } else if (changed !== this.happy) {
      this.setCondition(makeCondition(this.happy, 'True', true));
    }
  }

  /** The newest False dependent, else the newest Unknown one, else Unknown if one is unset. */
  private findUnhappyDependent(): Condition | undefined {
    if (this.dependents.length === 0) return undefined;
    const time = (c: Condition) => (c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : 0);
    // Stable sort: conditions are alphabetical, so equal times resolve alphabetically.
    const terminal = (this.status.conditions ?? [])
      .filter((c) => isErrorSeverity(c) && c.type !== this.happy)
      .sort((a, b) => time(b) - time(a));
    const found =
      terminal.find((c) => c.status === 'False') ?? terminal.find((c) => c.status === 'Unknown');
    if (found) return found;
    if (terminal.length !== this.dependents.length) return { type: '', status: 'Unknown' };
    return undefined;
  }
}

/** Whether an object is Ready and its status reflects its latest generation (Knative IsReady). */
export function isReadyAndObserved(
  generation: number | undefined,
  status: KnativeStatus | undefined,
): boolean {
  const ready = status?.conditions?.find((c) => c.type === Ready);
  return ready?.status === 'True' && (status?.observedGeneration ?? 0) === (generation ?? 0);
}
