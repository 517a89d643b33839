import { EventEmitter } from 'node:events';
import { startApp } from './app.js';
import { str } from './config.js';

describe('startApp', () => {
  it('serves the admin endpoints and stops on SIGTERM', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const app = await startApp({
      name: 'test-app',
      env: { ADMIN_PORT: '0', LOG_LEVEL: 'silent', GREETING: 'hi' },
      schema: { GREETING: str() },
      signals,
      exit: (code) => exits.push(code),
    });
    const base = `http://127.0.0.1:${app.admin.port}`;
    expect(app.config).toEqual({
      ADMIN_PORT: 0,
      LOG_LEVEL: 'silent',
      METRICS_PROTOCOL: 'prometheus',
      SHUTDOWN_TIMEOUT_MS: 15_000,
      GREETING: 'hi',
    });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    signals.emit('SIGTERM', 'SIGTERM');
    while (exits.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(exits).toEqual([0]);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    app.shutdown.dispose();
  });

  it('names every invalid variable before starting anything', async () => {
    await expect(
      startApp({
        name: 'test-app',
        env: { ADMIN_PORT: 'x', LOG_LEVEL: 'loud' },
        schema: { GREETING: str() },
        logDestination: { write: () => undefined },
      }),
    ).rejects.toMatchObject({
      code: 'RUNTIME_ERR_CONFIG',
      message: expect.stringMatching(/ADMIN_PORT.*LOG_LEVEL.*GREETING/),
    });
  });
});
