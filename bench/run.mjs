/* global process */
// `npm run bench`: builds what the benchmarks run, then runs each one in turn.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
execFileSync(
  'npx',
  ['turbo', 'run', 'build', '--filter=@knative-ts/imc-dispatcher', '--output-logs=errors-only'],
  {
    cwd: join(here, '..'),
    stdio: 'inherit',
  },
);
for (const bench of ['imc-dispatcher.bench.mjs']) {
  execFileSync(process.execPath, [join(here, bench)], { stdio: 'inherit' });
}
