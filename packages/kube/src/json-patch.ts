import { jsonEqual } from './merge-patch.js';

/** One operation of a JSON Patch (RFC 6902); `move` and `copy` are not needed here. */
export type JsonPatchOperation =
  { op: 'test' | 'add' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string };

/** Why a patch does not apply: the API server answers such a patch 422. */
export class JsonPatchError extends Error {
  override readonly name = 'JsonPatchError';
}

/** The reference tokens of a JSON Pointer (RFC 6901): `/a~1b/0` → ['a/b', '0']. */
function tokens(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new JsonPatchError(`path "${path}" does not start with /`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function child(parent: unknown, token: string, path: string): unknown {
  if (Array.isArray(parent)) return parent[Number(token)];
  if (typeof parent === 'object' && parent !== null)
    return (parent as Record<string, unknown>)[token];
  throw new JsonPatchError(`path "${path}" does not exist`);
}

/** The container holding the pointer's last token, and that token. */
function locate(doc: unknown, path: string): [Container, string] {
  const parts = tokens(path);
  const last = parts.pop();
  if (last === undefined) throw new JsonPatchError('the whole document cannot be patched');
  let node = doc;
  for (const t of parts) node = child(node, t, path);
  if (typeof node !== 'object' || node === null)
    throw new JsonPatchError(`path "${path}" does not exist`);
  return [node as Container, last];
}

function arrayIndex(array: unknown[], token: string, path: string, inserting: boolean): number {
  if (inserting && token === '-') return array.length;
  const index = /^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : NaN;
  if (!(index < array.length + (inserting ? 1 : 0)))
    throw new JsonPatchError(`path "${path}" is out of bounds`);
  return index;
}

/**
 * Applies a JSON Patch to a copy of `doc`, all or nothing, as the API server does for
 * `application/json-patch+json`: a failed `test` or a missing path throws JsonPatchError.
 */
export function applyJsonPatch<T>(doc: T, operations: readonly JsonPatchOperation[]): T {
  const result = structuredClone(doc);
  for (const operation of operations) {
    const { path } = operation;
    if (operation.op === 'test') {
      const actual = tokens(path).reduce<unknown>((node, t) => child(node, t, path), result);
      if (!jsonEqual(actual, operation.value)) throw new JsonPatchError(`test of "${path}" failed`);
      continue;
    }
    const [parent, last] = locate(result, path);
    if (Array.isArray(parent)) {
      const index = arrayIndex(parent, last, path, operation.op === 'add');
      if (operation.op === 'add') parent.splice(index, 0, structuredClone(operation.value));
      else if (operation.op === 'replace') parent[index] = structuredClone(operation.value);
      else parent.splice(index, 1);
      continue;
    }
    if (operation.op !== 'add' && !(last in parent))
      throw new JsonPatchError(`path "${path}" does not exist`);
    if (operation.op === 'remove') delete parent[last];
    else parent[last] = structuredClone(operation.value);
  }
  return result;
}
