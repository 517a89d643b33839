import { fileURLToPath } from 'node:url';
import { readinessOf, startAppProcess, type AppProcess } from '@knative-ts/runtime/testing';

// Runs the built app, as a container would: `node dist/main.js`. It is ready once its
// channel informers synced (needs the CRDs, which the test command installs) and it is
// connected to NATS (NATS_URL, from .local/env, which the test command sources).
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('main', () => {
  let app: AppProcess;

  beforeAll(async () => {
    app = await startAppProcess(main, { LOG_LEVEL: 'info', HTTP_PORT: '0' });
  }, 15_000);
  afterAll(() => app?.stop('SIGKILL'));

  it.each([
    ['/healthz', ''],
    ['/metrics', 'process_cpu_seconds_total'],
    // eventing-natss's names: eventing's channel metrics under its component's prefix.
    ['/metrics', '# TYPE jetstream_channel_dispatcher_event_count counter'],
    ['/metrics', '# TYPE jetstream_channel_dispatcher_event_dispatch_latencies histogram'],
  ])('answers GET %s with 200', async (path, fragment) => {
    const res = await fetch(`http://127.0.0.1:${app.port}${path}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(fragment);
  });

  it('becomes ready once its informers have synced and NATS is connected', async () => {
    expect(await readinessOf(app.port, 10_000)).toBe(200);
  }, 15_000);

  it('exits 0 within 5 s of SIGTERM', async () => {
    expect(await app.stop('SIGTERM', 5_000)).toBe(0);
  }, 10_000);
});
