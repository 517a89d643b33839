import { keyOf, type KindReconciler, type ReconcileResult } from '@knative-ts/reconciler';
import {
  asEventTypeV1beta3,
  EventTypeConditions,
  EventTypeReasons,
  type EventTypeV1beta3,
} from '@knative-ts/types';
import { describeRef, type References } from '../../references/references.js';

export interface EventTypeReconcilerOptions {
  references: References;
  now?: () => Date;
}

/**
 * Reconciles an EventType as Knative's (v1beta3 eventtype.go): ReferenceExists says whether
 * `spec.reference` names an existing object (True `ReferenceNotSet` without one), and
 * Ready follows it. The referent is tracked, so its creation or deletion re-queues us.
 */
export class EventTypeReconciler implements KindReconciler<EventTypeV1beta3> {
  constructor(private readonly options: EventTypeReconcilerOptions) {}

  async reconcileKind(stored: EventTypeV1beta3): Promise<ReconcileResult> {
    stored.status ??= {};
    const m = EventTypeConditions.manage(stored.status, this.options.now ?? (() => new Date()));
    m.initialize();
    // Objects written while no conversion webhook ran may still carry v1beta2's fields.
    const reference = asEventTypeV1beta3(stored).spec.reference;
    if (!reference) {
      m.markTrueWithReason(
        'ReferenceExists',
        EventTypeReasons.ReferenceNotSet,
        'spec.reference is not set',
      );
      return undefined;
    }
    const ref = {
      apiVersion: reference.apiVersion,
      kind: reference.kind,
      namespace: reference.namespace || (stored.metadata.namespace ?? ''),
      name: reference.name,
    };
    const { references } = this.options;
    references.track(ref, keyOf(stored));
    try {
      if (await references.get(ref)) m.markTrue('ReferenceExists');
      else {
        m.markFalse(
          'ReferenceExists',
          EventTypeReasons.ResourceDoesNotExist,
          'Resource in spec.reference does not exist',
        );
      }
    } catch (err) {
      m.markUnknown(
        'ReferenceExists',
        EventTypeReasons.ReferenceError,
        `Unable to get ${describeRef(ref)}: ${(err as Error).message}`,
      );
    }
    return undefined;
  }
}
