import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createKubeClient, loadKubeConfig } from '@knative-ts/kube';
import { startAppProcess, type AppProcess } from '@knative-ts/runtime/testing';

// Runs the built app, as a container would: `node dist/main.js`, against the local
// cluster of KUBECONFIG, with a system namespace of its own for the leader Lease.
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
// From the environment, else from the local control plane's env file (npm run cluster:up).
const kubeconfig =
  process.env['KUBECONFIG'] ??
  /^export KUBECONFIG="([^"]*)"$/m.exec(
    readFileSync(fileURLToPath(new URL('../../../.local/env', import.meta.url)), 'utf8'),
  )?.[1] ??
  '';
const kube = createKubeClient(loadKubeConfig({ env: { KUBECONFIG: kubeconfig } }));
const namespace = `main-test-${Date.now().toString(36)}`;
const nsRef = { apiVersion: 'v1', kind: 'Namespace', name: namespace };

async function status(port: number, path: string): Promise<{ code: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { code: res.status, body: await res.text() };
}

describe('main', () => {
  let app: AppProcess;

  beforeAll(async () => {
    await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    app = await startAppProcess(main, {
      LOG_LEVEL: 'info',
      SYSTEM_NAMESPACE: namespace,
      KUBECONFIG: kubeconfig,
    });
  }, 15_000);
  afterAll(async () => {
    await app?.stop('SIGKILL');
    await kube.delete(nsRef);
  });

  it.each([
    ['/healthz', ''],
    ['/metrics', 'process_cpu_seconds_total'],
  ])('answers GET %s with 200', async (path, fragment) => {
    const { code, body } = await status(app.port, path);
    expect(code).toBe(200);
    expect(body).toContain(fragment);
  });

  it('becomes ready once it leads and its informers synced', async () => {
    const deadline = Date.now() + 20_000;
    let code = 0;
    while (Date.now() < deadline && (code = (await status(app.port, '/readyz')).code) !== 200) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(code).toBe(200);
  }, 25_000);

  it('exits 0 within 5 s of SIGTERM', async () => {
    expect(await app.stop('SIGTERM', 5_000)).toBe(0);
  }, 10_000);
});
