/* global process */
// `npm run bench`: builds what the benchmarks run, then runs each one in turn.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const apps = [
  'imc-dispatcher',
  'eventing-controller',
  'broker-ingress',
  'broker-filter',
  'natss-channel-dispatcher',
  'kafka-channel-dispatcher',
];
execFileSync(
  'npx',
  [
    'turbo',
    'run',
    'build',
    ...apps.map((app) => `--filter=@knative-ts/${app}`),
    // The harness reads each app's Node flags from the chart.
    '--filter=@knative-ts/local-sandbox',
    '--output-logs=errors-only',
  ],
  {
    cwd: join(here, '..'),
    stdio: 'inherit',
  },
);
for (const bench of [
  'imc-dispatcher.bench.mjs',
  'broker.bench.mjs',
  'broker-scale.bench.mjs',
  'jetstream.bench.mjs',
  'kafka-channel.bench.mjs',
]) {
  execFileSync(process.execPath, [join(here, bench)], { stdio: 'inherit' });
}
