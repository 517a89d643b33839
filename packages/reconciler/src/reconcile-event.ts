/** What a reconcile reports: becomes a Kubernetes Event on the object and a log line. */
export interface EventLike {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** An event-like result that can be returned or thrown; Warning means the reconcile failed. */
export class ReconcileEvent extends Error implements EventLike {
  override readonly name = 'ReconcileEvent';

  constructor(
    readonly type: 'Normal' | 'Warning',
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A Normal event: success worth telling the user about. */
export function normalEvent(reason: string, message: string): ReconcileEvent {
  return new ReconcileEvent('Normal', reason, message);
}

/** A Warning event: the reconcile failed and will be retried with backoff. */
export function warningEvent(reason: string, message: string, cause?: unknown): ReconcileEvent {
  return new ReconcileEvent('Warning', reason, message, { cause });
}

/** Asks to reconcile the object again after `ms`, without counting as a failure. */
export interface RequeueAfter {
  requeueAfter: number;
}

export function requeueAfter(ms: number): RequeueAfter {
  return { requeueAfter: ms };
}

/** What reconcileKind and finalizeKind may return (they may also throw). */
export type ReconcileResult = EventLike | RequeueAfter | void;

/** Whether `value` is an event-like object ({type: Normal|Warning, reason, message}). */
export function isEventLike(value: unknown): value is EventLike {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<EventLike>;
  return (
    (v.type === 'Normal' || v.type === 'Warning') &&
    typeof v.reason === 'string' &&
    typeof v.message === 'string'
  );
}

export function isRequeueAfter(value: unknown): value is RequeueAfter {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as RequeueAfter).requeueAfter === 'number'
  );
}
