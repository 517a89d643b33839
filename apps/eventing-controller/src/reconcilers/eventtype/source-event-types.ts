import type { KubeClient } from '@knative-ts/kube';
import { isControlledBy, keyOf, warningEvent, type ReconcileResult } from '@knative-ts/reconciler';
import {
  EventingV1beta3,
  EventTypesAnnotation,
  parseRegistryEventTypes,
  SourceNameLabel,
  type CloudEventAttributes,
  type EventTypeV1beta3,
  type KReference,
  type RegistryEventTypeEntry,
} from '@knative-ts/types';
import type { References } from '../../references/references.js';
import { isDerivative } from '../semantic.js';
import {
  makeSourceEventType,
  type EmittedEventType,
  type SourceObject,
} from './resources/make-source-event-type.js';

export interface SourceEventTypesOptions {
  client: KubeClient;
  /** The calling source controller's references: CRD changes re-queue its sources. */
  references: References;
}

/** Why registering a source's types failed: a Warning Event on the source. */
export const SourceEventTypesFailed = 'EventTypesReconcileFailed';

/** Whether a sink is where a registry entry belongs: a Broker or any channel kind. */
export function isBrokerOrChannel(ref: KReference | undefined): ref is KReference {
  if (!ref) return false;
  const group = ref.apiVersion ? ref.apiVersion.split('/')[0] : ref.group;
  if (ref.kind === 'Broker') return group === 'eventing.knative.dev';
  return group === 'messaging.knative.dev' && ref.kind !== 'Subscription';
}

/**
 * The one mechanism by which every source registers what it emits (Knative's source duck
 * reconciler, duck.go): for a sink that is a Broker or Channel, one EventType per
 * `status.ceAttributes` entry, described from the `registry.knative.dev/eventTypes`
 * annotation of the source's CRD; EventTypes the source no longer emits (or all of them,
 * when the sink stops being a Broker or Channel) are deleted. Source reconcilers call
 * `reconcile` after writing `status.ceAttributes`.
 */
export class SourceEventTypes {
  constructor(private readonly options: SourceEventTypesOptions) {}

  async reconcile(
    source: SourceObject,
    emitted: CloudEventAttributes[],
    crdName: string,
  ): Promise<ReconcileResult> {
    try {
      await this.sync(source, emitted, crdName);
      return undefined;
    } catch (err) {
      return warningEvent(
        SourceEventTypesFailed,
        `Failed to reconcile the EventTypes of ${source.kind} ${keyOf(source)}: ${(err as Error).message}`,
        err,
      );
    }
  }

  private async sync(
    source: SourceObject,
    emitted: CloudEventAttributes[],
    crdName: string,
  ): Promise<void> {
    const { client, references } = this.options;
    const sink = source.spec.sink?.ref;
    const wanted = isBrokerOrChannel(sink)
      ? (await this.describe(source, emitted, crdName)).map((t) =>
          makeSourceEventType(source, sink, t),
        )
      : [];
    const namespace = source.metadata.namespace ?? '';
    const current = (
      await references.list<EventTypeV1beta3>(
        { apiVersion: EventingV1beta3, kind: 'EventType', namespace },
        `${SourceNameLabel}=${source.metadata.name ?? ''}`,
      )
    ).filter((et) => isControlledBy(et, source));
    const byName = new Map(current.map((et) => [et.metadata.name ?? '', et]));
    for (const want of wanted) {
      const have = byName.get(want.metadata.name ?? '');
      byName.delete(want.metadata.name ?? '');
      if (!have) await client.create(want);
      else if (!isDerivative(want.spec, have.spec) || !isDerivative(have.spec, want.spec)) {
        await client.patch(
          {
            apiVersion: EventingV1beta3,
            kind: 'EventType',
            namespace,
            name: want.metadata.name ?? '',
          },
          { spec: { ...want.spec, description: want.spec.description ?? null } },
        );
      }
    }
    for (const stale of byName.values()) {
      await client.delete({
        apiVersion: EventingV1beta3,
        kind: 'EventType',
        namespace,
        name: stale.metadata.name ?? '',
      });
    }
  }

  /** The emitted types with schema and description from the CRD's registry annotation. */
  private async describe(
    source: SourceObject,
    emitted: CloudEventAttributes[],
    crdName: string,
  ): Promise<EmittedEventType[]> {
    const crdRef = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: crdName,
    };
    this.options.references.track(crdRef, keyOf(source));
    const crd = await this.options.references.get(crdRef);
    const annotation = crd?.metadata.annotations?.[EventTypesAnnotation];
    const entries = new Map<string, RegistryEventTypeEntry>();
    if (annotation !== undefined) {
      const parsed = parseRegistryEventTypes(annotation);
      // As Knative: a bad annotation only loses descriptions; the types still register.
      if (parsed.ok) for (const e of parsed.value) entries.set(e.type, e);
    }
    return emitted.flatMap((a) => {
      // Knative skips an empty type too: an EventType cannot be without one.
      if (!a.type) return [];
      const entry = entries.get(a.type);
      const t: EmittedEventType = { type: a.type };
      if (a.source) t.source = a.source;
      if (entry?.schema) t.schema = entry.schema;
      if (entry?.description) t.description = entry.description;
      return [t];
    });
  }
}
