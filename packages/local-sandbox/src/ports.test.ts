import { createServer, type Server } from 'node:net';
import { SandboxErrorCode } from './errors.js';
import { assertPortsFree, isPortFree } from './ports.js';

describe('ports', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sees a bound port as taken and names its owner', async () => {
    expect(await isPortFree(port)).toBe(false);
    await expect(assertPortsFree({ 'imc-dispatcher http': port })).rejects.toMatchObject({
      code: SandboxErrorCode.PortTaken,
      message: `local ports already in use: ${port} (imc-dispatcher http)`,
    });
  });

  it('passes when every port is free', async () => {
    await expect(assertPortsFree({})).resolves.toBeUndefined();
  });
});
