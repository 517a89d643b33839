import type { KubeObject } from '@knative-ts/kube';
import { setObservedGeneration, statusChanged, statusEqual } from './status.js';

describe('status', () => {
  it.each([
    { a: undefined, b: {}, want: true },
    {
      a: { conditions: [{ type: 'Ready', status: 'True' }] },
      b: { conditions: [{ status: 'True', type: 'Ready' }] },
      want: true,
    },
    { a: { observedGeneration: 1 }, b: { observedGeneration: 2 }, want: false },
    { a: { address: { url: 'http://a' } }, b: { address: { url: 'http://b' } }, want: false },
  ])('statusEqual($a, $b) = $want', ({ a, b, want }) => {
    expect(statusEqual(a, b)).toBe(want);
  });

  it('sets observedGeneration, creating status when absent', () => {
    const obj: KubeObject = { apiVersion: 'v1', kind: 'X', metadata: { generation: 4 } };
    const before = structuredClone(obj);
    setObservedGeneration(obj);
    expect(obj.status).toEqual({ observedGeneration: 4 });
    expect(statusChanged(before, obj)).toBe(true);
  });
});
