import type { Destination, KReference } from './duck.js';
import { withDefaultFeatures, type ValidationFeatures } from './features.js';
import {
  genericError,
  invalidValue,
  missingField,
  viaField,
  type FieldError,
} from './field-error.js';

/** Context for validating references: the parent's namespace and the feature flags. */
export interface ReferenceContext {
  /** Namespace of the object holding the reference; '' skips the namespace check. */
  parentNamespace?: string;
  features?: Partial<ValidationFeatures>;
  /** The parent allows references to other namespaces regardless of flags (e.g. Broker config). */
  allowDifferentNamespace?: boolean;
}

/** Validate a KReference: name, kind, apiVersion (or group) and namespace (knative.dev/pkg). */
export function validateKReference(ref: KReference, ctx: ReferenceContext = {}): FieldError[] {
  const features = withDefaultFeatures(ctx.features);
  const errs: FieldError[] = [];
  if (!ref.name) errs.push(missingField('name'));
  const groupGiven = features.kreferenceGroup && !!ref.group;
  if (!ref.apiVersion && !groupGiven) errs.push(missingField('apiVersion'));
  if (!ref.kind) errs.push(missingField('kind'));
  // An empty namespace is defaulted to the parent's later, so only a set one can mismatch.
  const otherNamespaceOk = ctx.allowDifferentNamespace || features.crossNamespaceEventLinks;
  if (ref.namespace && ctx.parentNamespace && !otherNamespaceOk) {
    if (ref.namespace !== ctx.parentNamespace) {
      errs.push(
        genericError(
          'mismatched namespaces',
          'namespace',
          `parent namespace: "${ctx.parentNamespace}" does not match ref: "${ref.namespace}"`,
        ),
      );
    }
  }
  return errs;
}

/** Scheme and host of a URI as Go's url.Parse sees them (no scheme → relative). */
function uriParts(uri: string): { absolute: boolean; host: string } {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:(?:\/\/([^/?#]*))?/.exec(uri);
  if (!m) return { absolute: false, host: '' };
  const authority = m[1] ?? '';
  return { absolute: true, host: authority.slice(authority.lastIndexOf('@') + 1) };
}

/**
 * Validate a Destination as Knative does: at least one of ref/uri; with a ref the uri must
 * be relative (it is resolved against the ref's address); without one it must be absolute.
 */
export function validateDestination(dest: Destination, ctx: ReferenceContext = {}): FieldError[] {
  const { ref, uri } = dest;
  if (!ref && uri === undefined) {
    return [genericError('expected at least one, got none', 'ref, uri')];
  }
  if (ref && uri !== undefined && uriParts(uri).absolute) {
    return [
      genericError(
        'Absolute URI is not allowed when Ref or [apiVersion, kind, name] is present',
        'ref, uri',
      ),
    ];
  }
  if (!ref && uri !== undefined) {
    const parts = uriParts(uri);
    if (!parts.absolute || parts.host === '') {
      return [
        invalidValue(
          uri,
          'uri',
          'Relative URI is not allowed when Ref and [apiVersion, kind, name] is absent',
        ),
      ];
    }
  }
  if (ref && uri === undefined) return viaField(validateKReference(ref, ctx), 'ref');
  return [];
}

/** Whether a Destination is absent or `{}` (Knative treats both as "not given"). */
export function isDestinationEmpty(dest: Destination | undefined): boolean {
  return (
    !dest ||
    (dest.ref === undefined &&
      dest.uri === undefined &&
      dest.CACerts === undefined &&
      dest.audience === undefined)
  );
}
