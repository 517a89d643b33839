import { expect } from '@jest/globals';
import type { KubeObject, ObjectRef } from '@knative-ts/kube';
import type { KnativeStatus } from '@knative-ts/types';
import { summary } from './fixtures.js';
import type { ReconcileOnceResult } from './reconcile-once.js';

/** One row of a reconciler table test: objects in, API actions, Events and status out. */
export interface ReconcilerRow {
  name: string;
  objects: KubeObject[];
  /** Every mutation but Events, as `verb Kind ns/name`, in order. */
  wantActions: string[];
  /** A subset of the first mutation's body. */
  wantBody?: Record<string, unknown>;
  /** Every Event as `Type Reason message`; none when absent. */
  wantEvents?: string[];
  /** The reconciled object's conditions as `type → "status reason"`. */
  wantConditions?: Record<string, string>;
  /** A subset of the reconciled object's stored status. */
  wantStatus?: Record<string, unknown>;
}

export interface ExpectRowOptions {
  /** 'exact' (the default): the conditions are exactly these; 'subset': at least these. */
  conditions?: 'exact' | 'subset';
}

/**
 * Asserts what one reconcile did against `row`, reading the object at `ref` back from the
 * fake client (the status as the framework wrote it).
 */
export function expectRow(
  result: ReconcileOnceResult,
  row: ReconcilerRow,
  ref: ObjectRef,
  options: ExpectRowOptions = {},
): void {
  const { actions, bodies, events, client } = result;
  expect(actions).toEqual(row.wantActions);
  expect(events).toEqual(row.wantEvents ?? []);
  if (row.wantBody) expect(bodies[0]).toMatchObject(row.wantBody);
  const status = client.peek<KubeObject & { status?: KnativeStatus }>(ref)?.status;
  if (row.wantConditions) {
    const got = summary(status?.conditions);
    if (options.conditions === 'subset') expect(got).toMatchObject(row.wantConditions);
    else expect(got).toEqual(row.wantConditions);
  }
  if (row.wantStatus) expect(status).toMatchObject(row.wantStatus);
}
