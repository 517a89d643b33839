import { fileURLToPath } from 'node:url';
import { readinessOf, startAppProcess, type AppProcess } from '@knative-ts/runtime/testing';

// Runs the built app, as a container would: `node dist/main.js`, against the cluster of
// KUBECONFIG, watching ConfigMaps in `default`. It is ready once that informer synced.
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const config = JSON.stringify({
  namespaces: ['default'],
  mode: 'Reference',
  resources: [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      gvr: { Group: '', Version: 'v1', Resource: 'configmaps' },
    },
  ],
});

describe('main', () => {
  let app: AppProcess;

  beforeAll(async () => {
    app = await startAppProcess(main, {
      LOG_LEVEL: 'info',
      K_SINK: 'http://127.0.0.1:9/',
      K_SOURCE_CONFIG: config,
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

  it('becomes ready once its ConfigMap informer has synced', async () => {
    expect(await readinessOf(app.port, 10_000)).toBe(200);
  }, 15_000);

  it('exits 0 within 5 s of SIGTERM', async () => {
    expect(await app.stop('SIGTERM', 5_000)).toBe(0);
  }, 10_000);

  it('refuses to start without K_SINK', async () => {
    await expect(
      startAppProcess(main, { K_SOURCE_CONFIG: config }, { startTimeoutMs: 5_000 }),
    ).rejects.toThrow(/exited with code 1 before listening/);
  }, 10_000);
});
