/**
 * `Expect: 100-continue`: the server holds back the 100 until the body is wanted, so an
 * oversized request (by its Content-Length) is answered 413 before the client sends the
 * body. A held request is preset to `Connection: close`, because a handler that answers
 * it without reading (404, 405, 413) leaves a body on the wire that never comes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const held = new WeakMap<IncomingMessage, ServerResponse>();

/** Called by the server for a request that expects 100-continue, before the handler runs. */
export function holdContinue(req: IncomingMessage, res: ServerResponse): void {
  held.set(req, res);
  res.setHeader('connection', 'close');
}

/** Whether the client still waits for a 100 before sending its body. */
export function continueHeld(req: IncomingMessage): boolean {
  return held.has(req);
}

/** The body is wanted: send 100 Continue (once) and keep the connection open after all. */
export function releaseContinue(req: IncomingMessage): void {
  const res = held.get(req);
  if (res === undefined) return;
  held.delete(req);
  if (res.headersSent) return;
  res.removeHeader('connection');
  res.writeContinue();
}
