import { convertEventType, type AnyEventType } from '@knative-ts/types';

/** apiextensions.k8s.io/v1 ConversionReview, as much of it as a converter reads and writes. */
export interface ConversionReview {
  apiVersion: string;
  kind: 'ConversionReview';
  request?: { uid: string; desiredAPIVersion: string; objects: unknown[] };
  response?: {
    uid: string;
    convertedObjects: unknown[];
    result: { status: 'Success' } | { status: 'Failure'; message: string };
  };
}

/** Thrown for a body that is not a ConversionReview request: the webhook answers 400. */
export class BadConversionReview extends Error {
  override readonly name = 'BadConversionReview';
}

function requestOf(body: unknown): NonNullable<ConversionReview['request']> {
  const review = body as Partial<ConversionReview> | null;
  const request = review?.request;
  if (
    typeof review !== 'object' ||
    review === null ||
    review.kind !== 'ConversionReview' ||
    typeof request?.uid !== 'string' ||
    typeof request.desiredAPIVersion !== 'string' ||
    !Array.isArray(request.objects)
  ) {
    throw new BadConversionReview('body is not a ConversionReview with a request');
  }
  return request;
}

/**
 * Answers a ConversionReview for EventTypes (what Knative's webhook does with
 * eventtype_conversion.go): every object converted to `desiredAPIVersion`, or one Failure
 * naming the object that could not be, which the API server reports to the client.
 */
export function reviewConversion(body: unknown): ConversionReview {
  const request = requestOf(body);
  const response = { uid: request.uid };
  try {
    const convertedObjects = request.objects.map((obj, i) => {
      const et = obj as AnyEventType;
      if (et?.kind !== 'EventType') {
        throw new Error(`objects[${i}] is a ${String(et?.kind)}, not an EventType`);
      }
      return convertEventType(et, request.desiredAPIVersion);
    });
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      response: { ...response, convertedObjects, result: { status: 'Success' } },
    };
  } catch (err) {
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      response: {
        ...response,
        convertedObjects: [],
        result: { status: 'Failure', message: (err as Error).message },
      },
    };
  }
}
