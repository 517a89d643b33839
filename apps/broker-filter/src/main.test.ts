import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readinessOf, startAppProcess, type AppProcess } from '@knative-ts/runtime/testing';

// Runs the built app, as a container would: `node dist/main.js`. It watches the API server,
// so it needs the local control plane's kubeconfig (npm test sources .local/env).
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const envFile = fileURLToPath(new URL('../../../.local/env', import.meta.url));

function kubeconfig(): string {
  if (process.env['KUBECONFIG']) return process.env['KUBECONFIG'];
  const line = /^export KUBECONFIG="([^"]+)"$/m.exec(readFileSync(envFile, 'utf8'));
  if (!line?.[1]) throw new Error(`KUBECONFIG is not set and ${envFile} does not define it`);
  return line[1];
}

describe('main', () => {
  let app: AppProcess;

  beforeAll(async () => {
    app = await startAppProcess(main, {
      LOG_LEVEL: 'info',
      HTTP_PORT: '0',
      KUBECONFIG: kubeconfig(),
    });
  }, 15_000);
  afterAll(() => app?.stop('SIGKILL'));

  it.each([
    ['/healthz', ''],
    ['/metrics', 'process_cpu_seconds_total'],
  ])('answers GET %s with 200', async (path, fragment) => {
    const res = await fetch(`http://127.0.0.1:${app.port}${path}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(fragment);
  });

  it('becomes ready once its informer has synced', async () => {
    expect(await readinessOf(app.port, 10_000)).toBe(200);
  }, 15_000);

  it('exits 0 within 5 s of SIGTERM', async () => {
    expect(await app.stop('SIGTERM', 5_000)).toBe(0);
  }, 10_000);
});
