/**
 * Cancellation from the receiving side: an AbortSignal that fires when the client closes
 * its connection before the answer was written. Passed to the Sender, it stops the onward
 * delivery of a caller that already gave up — and so will retry — instead of letting its
 * retries pile up behind work nobody waits for.
 *
 * The signal belongs to the connection, not to the request: a keep-alive connection
 * carries one request at a time, and a hang-up ends whatever it carries. One controller
 * and one listener per connection, instead of per request, spare each event an
 * AbortController and two listener changes on the hot path.
 */
import type { Socket } from 'node:net';
import type { ServerResponse } from 'node:http';

const byConnection = new WeakMap<Socket, AbortSignal>();

/** The signal of the connection that carries `res`. */
export function abortOnHangUp(res: ServerResponse): AbortSignal {
  const socket = res.socket;
  if (socket === null || socket.destroyed) return AbortSignal.abort(hangUpReason());
  let signal = byConnection.get(socket);
  if (signal === undefined) {
    const controller = new AbortController();
    signal = controller.signal;
    byConnection.set(socket, signal);
    // A connection that closes after its last answer aborts a signal nobody listens to.
    socket.once('close', () => controller.abort(hangUpReason()));
  }
  return signal;
}

function hangUpReason(): Error {
  return new Error('the client closed the connection');
}
