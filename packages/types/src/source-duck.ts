import type { AuthStatus, Destination, KnativeStatus } from './duck.js';

/** Attribute overrides applied to every event a source emits (duckv1.CloudEventOverrides). */
export interface CloudEventOverrides {
  extensions?: Record<string, string>;
}

/** Spec part shared by every source (duckv1.SourceSpec). */
export interface SourceSpec {
  sink: Destination;
  ceOverrides?: CloudEventOverrides;
}

/** A type/source pair a source may emit (duckv1.CloudEventAttributes). */
export interface CloudEventAttributes {
  type?: string;
  source?: string;
}

/** Status part shared by every source (duckv1.SourceStatus). */
export interface SourceStatus extends KnativeStatus {
  sinkUri?: string;
  sinkCACerts?: string;
  sinkAudience?: string;
  ceAttributes?: CloudEventAttributes[];
  auth?: AuthStatus;
}
