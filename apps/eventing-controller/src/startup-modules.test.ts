import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The controller's memory goal (#16) counts every module it loads: kafkajs, the NATS client
// and @peculiar/x509 add about 14 MiB of heap together, and are loaded only when a
// KafkaChannel, a JetStream channel or a new webhook certificate needs them. This runs the
// built main.js with a module hook that records every module it resolves; ESM links the
// whole static import graph before any of it runs, so the app may stop at its config check.
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

const recorder = `
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { writeFileSync } from 'node:fs';
const { port1, port2 } = new MessageChannel();
const urls = [];
port1.on('message', (url) => urls.push(url));
port1.unref();
const hooks = [
  'let port;',
  'export function initialize(data) { port = data.port; }',
  'export async function resolve(specifier, context, next) {',
  '  const resolved = await next(specifier, context);',
  '  port.postMessage(resolved.url);',
  '  return resolved;',
  '}',
].join('\\n');
register('data:text/javascript,' + encodeURIComponent(hooks), {
  data: { port: port2 },
  transferList: [port2],
});
process.on('exit', () => writeFileSync(process.env.MODULES_OUT, JSON.stringify(urls)));
`;

function modulesLoadedAtStart(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'startup-modules-'));
  try {
    const registrar = join(dir, 'record.mjs');
    const out = join(dir, 'modules.json');
    writeFileSync(registrar, recorder);
    const run = spawnSync(process.execPath, ['--import', registrar, main], {
      // An invalid port makes the app exit at its config check, after linking.
      env: { ...process.env, MODULES_OUT: out, HTTP_PORT: 'not-a-port', ADMIN_PORT: 'x' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (run.error) throw run.error;
    return JSON.parse(readFileSync(out, 'utf8')) as string[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('eventing-controller start-up', () => {
  const loaded = modulesLoadedAtStart();

  it('records the modules it loads (the check below sees the graph)', () => {
    expect(loaded.some((url) => url.includes('/packages/reconciler/dist/'))).toBe(true);
    expect(loaded.some((url) => url.includes('/js-yaml/'))).toBe(true);
  });

  it.each([
    ['kafkajs', '/node_modules/kafkajs/'],
    ['the NATS client', '/node_modules/@nats-io/'],
    ['@peculiar/x509', '/node_modules/@peculiar/'],
    ['a second YAML parser', '/node_modules/yaml/'],
  ])('does not load %s before it is needed', (_what, path) => {
    expect(loaded.filter((url) => url.includes(path))).toEqual([]);
  });
});
