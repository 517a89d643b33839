/**
 * `.local/images.json`, written by scripts/build-images.sh: the registry and the one tag of
 * the images it built and loaded into the local node, and each image's reference.
 */
import { readFileSync } from 'node:fs';
import { SandboxError, SandboxErrorCode } from './errors.js';

export interface BuiltImages {
  registry: string;
  tag: string;
  images: Record<string, string>;
}

/** Parses the file's text; throws a SandboxError naming what is wrong. */
export function parseImages(text: string, path = '.local/images.json'): BuiltImages {
  const hint = 'build and load them again: bash scripts/build-images.sh';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SandboxError(
      SandboxErrorCode.Config,
      `${path} is not JSON`,
      hint,
      { path },
      {
        cause: err,
      },
    );
  }
  const v = value as Partial<BuiltImages> | null;
  if (
    typeof v?.registry !== 'string' ||
    typeof v.tag !== 'string' ||
    v.tag === '' ||
    typeof v.images !== 'object' ||
    v.images === null
  ) {
    throw new SandboxError(SandboxErrorCode.Config, `${path} lacks registry, tag or images`, hint, {
      path,
    });
  }
  return { registry: v.registry, tag: v.tag, images: v.images };
}

export function readImages(path: string): BuiltImages {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SandboxError(
      SandboxErrorCode.Config,
      `no ${path}: the images were never built`,
      'bash scripts/build-images.sh (npm start runs it)',
      { path },
      { cause: err },
    );
  }
  return parseImages(text, path);
}
