import type { KubeObject } from '@knative-ts/kube';
import { controllerOf, isControlledBy, ownerReference } from './owner-refs.js';

const broker: KubeObject = {
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Broker',
  metadata: { namespace: 'ns', name: 'b', uid: 'u-1' },
};

describe('owner references', () => {
  it('references an owner as controller blocking deletion by default', () => {
    expect(ownerReference(broker)).toEqual({
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Broker',
      name: 'b',
      uid: 'u-1',
      controller: true,
      blockOwnerDeletion: true,
    });
    expect(ownerReference(broker, { controller: false })).toMatchObject({ controller: false });
  });

  it('refuses an owner without uid', () => {
    expect(() => ownerReference({ ...broker, metadata: { name: 'b' } })).toThrow(/no uid/);
  });

  it.each([
    { what: 'its controller', refs: [ownerReference(broker)], want: true },
    {
      what: 'a non-controller owner',
      refs: [ownerReference(broker, { controller: false })],
      want: false,
    },
    {
      what: 'an object with the same name but another uid',
      refs: [{ ...ownerReference(broker), uid: 'u-2' }],
      want: false,
    },
    { what: 'no owner', refs: undefined, want: false },
  ])('isControlledBy: $what → $want', ({ refs, want }) => {
    const child: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', ownerReferences: refs },
    };
    expect(isControlledBy(child, broker)).toBe(want);
    expect(controllerOf(child) !== undefined).toBe(refs?.[0]?.controller === true);
  });
});
