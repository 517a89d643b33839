/**
 * The receiver's connections and whether each carries a request now, for a drain that
 * does not depend on Node's own idea of an idle connection: after a client abandoned a
 * request on a reused keep-alive connection, `closeIdleConnections` can leave that
 * connection open until its keep-alive timeout (30 s), though nothing is in flight on it.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export class Connections {
  private readonly open = new Set<Socket>();
  private readonly busy = new Map<Socket, number>();

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.open.add(socket);
      socket.once('close', () => {
        this.open.delete(socket);
        this.busy.delete(socket);
      });
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const socket = req.socket;
      this.busy.set(socket, (this.busy.get(socket) ?? 0) + 1);
      res.once('close', () => {
        const left = (this.busy.get(socket) ?? 1) - 1;
        if (left > 0) this.busy.set(socket, left);
        else this.busy.delete(socket);
      });
    });
  }

  /** Destroys every connection with no request in progress; returns how many are left. */
  closeIdle(): number {
    for (const socket of this.open) if (!this.busy.has(socket)) socket.destroy();
    return this.open.size;
  }
}
