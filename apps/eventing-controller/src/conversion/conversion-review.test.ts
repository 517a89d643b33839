import { reviewConversion } from './conversion-review.js';

const v1beta2 = {
  apiVersion: 'eventing.knative.dev/v1beta2',
  kind: 'EventType',
  metadata: { name: 'et', namespace: 'demo', uid: 'u1' },
  spec: { type: 'dev.example.a', source: '/shop', schemaData: '{"type":"object"}' },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
};
const review = (objects: unknown[], desiredAPIVersion = 'eventing.knative.dev/v1beta3') => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'ConversionReview',
  request: { uid: 'r1', desiredAPIVersion, objects },
});

describe('reviewConversion', () => {
  it('converts every object and keeps metadata and status', () => {
    expect(reviewConversion(review([v1beta2]))).toEqual({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      response: {
        uid: 'r1',
        result: { status: 'Success' },
        convertedObjects: [
          {
            apiVersion: 'eventing.knative.dev/v1beta3',
            kind: 'EventType',
            metadata: {
              name: 'et',
              namespace: 'demo',
              uid: 'u1',
              annotations: { 'knative-ts.dev/schemaData': '{"type":"object"}' },
            },
            spec: {
              attributes: [
                { name: 'type', required: true, value: 'dev.example.a' },
                { name: 'source', required: true, value: '/shop' },
              ],
            },
            status: v1beta2.status,
          },
        ],
      },
    });
  });

  it.each([
    ['an unknown version', [v1beta2], 'eventing.knative.dev/v9', /unknown version/],
    [
      'another kind',
      [{ ...v1beta2, kind: 'Broker' }],
      'eventing.knative.dev/v1beta3',
      /objects\[0\] is a Broker/,
    ],
  ])('answers Failure for %s', (_name, objects, to, message) => {
    const got = reviewConversion(review(objects, to));
    expect(got.response?.uid).toBe('r1');
    expect(got.response?.convertedObjects).toEqual([]);
    expect(got.response?.result).toEqual({
      status: 'Failure',
      message: expect.stringMatching(message) as unknown,
    });
  });

  it.each([
    [{}],
    [{ kind: 'ConversionReview' }],
    [null],
    [{ kind: 'ConversionReview', request: { uid: 1 } }],
  ])('refuses %j as not a review', (body) => {
    expect(() => reviewConversion(body)).toThrow(/not a ConversionReview/);
  });
});
