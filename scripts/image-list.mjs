// The images the project builds, one per workspace that has a program (src/main.ts): every
// app under apps/ and every test service workspace. Prints `<image name> <workspace dir>`
// lines; the image name is the package name without its scope (@knative-ts/imc-dispatcher
// -> imc-dispatcher), so a new app or test image needs no list kept by hand.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const dirs = workspaces.flatMap((pattern) => {
  if (!pattern.endsWith('/*')) return [pattern];
  const parent = pattern.slice(0, -2);
  return readdirSync(join(root, parent), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${parent}/${entry.name}`);
});

for (const dir of dirs.sort()) {
  const manifest = join(root, dir, 'package.json');
  if (!existsSync(manifest) || !existsSync(join(root, dir, 'src/main.ts'))) continue;
  const { name } = JSON.parse(readFileSync(manifest, 'utf8'));
  console.log(`${name.replace(/^@[^/]+\//, '')} ${dir}`);
}
