/** Checks that the fixed local ports of the sandbox are free before anything starts. */
import { createServer } from 'node:net';
import { SandboxError, SandboxErrorCode } from './errors.js';

/** Whether 127.0.0.1:`port` can be bound right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Throws naming every taken port (by its owner's name) and what to do. */
export async function assertPortsFree(ports: Record<string, number>): Promise<void> {
  const taken: string[] = [];
  for (const [owner, port] of Object.entries(ports)) {
    if (!(await isPortFree(port))) taken.push(`${port} (${owner})`);
  }
  if (taken.length === 0) return;
  throw new SandboxError(
    SandboxErrorCode.PortTaken,
    `local ports already in use: ${taken.join(', ')}`,
    `find the owner with 'ss -ltnp | grep <port>' and stop it, or move the sandbox: SANDBOX_PORT_BASE=29100 npm start`,
    { taken },
  );
}
