import { fileURLToPath } from 'node:url';
import { startAppProcess, type AppProcess } from '@knative-ts/runtime/testing';

// Runs the built app, as a container would: `node dist/main.js`, against the cluster of
// KUBECONFIG and a Kafka address nothing listens on: it must start, answer its health
// endpoints (ready only once its informer synced and Kafka answered) and stop cleanly.
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('main', () => {
  let app: AppProcess;

  beforeAll(async () => {
    app = await startAppProcess(main, {
      LOG_LEVEL: 'info',
      HTTP_PORT: '0',
      KAFKA_BROKERS: '127.0.0.1:1',
    });
  }, 15_000);
  afterAll(() => app?.stop('SIGKILL'));

  it.each([
    ['/healthz', ''],
    ['/metrics', 'process_cpu_seconds_total'],
    // Knative's Kafka data-plane names (eventing-kafka-broker Metrics.java, Prometheus naming).
    ['/metrics', '# TYPE event_count_1_total counter'],
    ['/metrics', '# TYPE event_dispatch_latencies_ms histogram'],
  ])('answers GET %s with 200', async (path, fragment) => {
    const res = await fetch(`http://127.0.0.1:${app.port}${path}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(fragment);
  });

  it('answers GET /readyz with 503 while Kafka is unreachable', async () => {
    const res = await fetch(`http://127.0.0.1:${app.port}/readyz`);
    expect(res.status).toBe(503);
  });

  it('exits 0 within 5 s of SIGTERM', async () => {
    expect(await app.stop('SIGTERM', 5_000)).toBe(0);
  }, 10_000);
});
