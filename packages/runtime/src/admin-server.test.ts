import { Writable } from 'node:stream';
import { startAdminServer, type AdminServer } from './admin-server.js';
import { createLogger } from './logger.js';
import { createMetricsRegistry } from './metrics.js';
import { Readiness } from './readiness.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger({ component: 'test', level: 'info', destination }) };
}

describe('startAdminServer', () => {
  let server: AdminServer;
  let ready = true;
  const { lines, log } = capture();

  beforeAll(async () => {
    const readiness = new Readiness();
    readiness.add('db', () => ready);
    server = await startAdminServer({
      port: 0,
      host: '127.0.0.1',
      registry: createMetricsRegistry(),
      readiness,
      log,
    });
  });
  afterAll(() => server.close());

  const get = (path: string) => fetch(`http://127.0.0.1:${server.port}${path}`);

  it('binds an ephemeral port and logs it', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'admin server listening', port: server.port }),
    );
  });

  it.each([
    ['/healthz', 200, 'ok'],
    ['/readyz', 200, 'ready'],
    ['/metrics', 200, 'process_cpu_seconds_total'],
    ['/nope', 404, 'not found'],
  ])('GET %s answers %i', async (path, status, fragment) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(await res.text()).toContain(fragment);
  });

  it('answers 503 naming the failing checks while not ready', async () => {
    ready = false;
    const res = await get('/readyz');
    ready = true;
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ failing: [{ name: 'db' }] });
  });

  it('fails with a coded error when the port is taken', async () => {
    await expect(
      startAdminServer({
        port: server.port,
        host: '127.0.0.1',
        registry: createMetricsRegistry(),
        readiness: new Readiness(),
        log,
      }),
    ).rejects.toMatchObject({ code: 'RUNTIME_ERR_ADMIN_LISTEN' });
  });

  it('does not serve /metrics when config-observability turns metrics off', async () => {
    const off = await startAdminServer({
      port: 0,
      host: '127.0.0.1',
      registry: createMetricsRegistry(),
      readiness: new Readiness(),
      log,
      serveMetrics: false,
    });
    try {
      const res = await fetch(`http://127.0.0.1:${off.port}/metrics`);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('metrics-protocol is none');
    } finally {
      await off.close();
    }
  });
});
