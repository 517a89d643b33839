/** Stable codes of every error this package throws; match on `code` or `status`, never on message. */
export const KubeErrorCode = {
  /** The API server answered with a failure Status (see `status` and `reason`). */
  Api: 'KUBE_ERR_API',
  /** The request did not reach the API server or its answer could not be read. */
  Transport: 'KUBE_ERR_TRANSPORT',
  /** No served resource matches the apiVersion and kind. */
  UnknownKind: 'KUBE_ERR_UNKNOWN_KIND',
  /** Neither KUBECONFIG nor an in-cluster service account is available. */
  Config: 'KUBE_ERR_CONFIG',
} as const;

export type KubeErrorCode = (typeof KubeErrorCode)[keyof typeof KubeErrorCode];

/** What was being done when the error happened. */
export interface KubeErrorContext {
  verb: string;
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
}

/** The one error type of @knative-ts/kube, with HTTP status, API reason and request context. */
export class KubeError extends Error {
  override readonly name = 'KubeError';

  constructor(
    readonly code: KubeErrorCode,
    /** HTTP status (404, 409, 410, 422, …); 0 when no answer was received. */
    readonly status: number,
    /** The Status reason, e.g. NotFound, AlreadyExists, Conflict, Expired, Invalid. */
    readonly reason: string,
    message: string,
    readonly context: KubeErrorContext,
    options?: { cause?: unknown },
  ) {
    super(`${describe(context)}: ${message}`, options);
  }
}

function describe({ verb, kind, namespace, name }: KubeErrorContext): string {
  const target = [namespace, name].filter(Boolean).join('/');
  return [verb, kind, target].filter(Boolean).join(' ');
}

/** A KubeError for an API server failure Status. */
export function apiError(
  status: number,
  reason: string,
  message: string,
  context: KubeErrorContext,
): KubeError {
  return new KubeError(KubeErrorCode.Api, status, reason, message, context);
}

function hasStatus(err: unknown, status: number): boolean {
  return err instanceof KubeError && err.status === status;
}

export const isNotFound = (err: unknown): boolean => hasStatus(err, 404);
export const isConflict = (err: unknown): boolean =>
  hasStatus(err, 409) && (err as KubeError).reason !== 'AlreadyExists';
export const isAlreadyExists = (err: unknown): boolean =>
  hasStatus(err, 409) && (err as KubeError).reason === 'AlreadyExists';
/** 410 Gone: the resourceVersion is too old to watch from; re-list. */
export const isGone = (err: unknown): boolean => hasStatus(err, 410);
export const isInvalid = (err: unknown): boolean => hasStatus(err, 422);
