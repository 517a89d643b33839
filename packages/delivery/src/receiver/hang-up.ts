/**
 * Cancellation from the receiving side: an AbortSignal that fires when the client closes
 * its connection before the answer was written. Passed to the Sender, it stops the onward
 * delivery of a caller that already gave up — and so will retry — instead of letting its
 * retries pile up behind work nobody waits for.
 */
import type { ServerResponse } from 'node:http';

export interface HangUpSignal {
  signal: AbortSignal;
  /** Stop listening (once the answer is decided). */
  dispose(): void;
}

export function abortOnHangUp(res: ServerResponse): HangUpSignal {
  const controller = new AbortController();
  const onClose = (): void => {
    if (!res.writableEnded) controller.abort(new Error('the client closed the connection'));
  };
  res.on('close', onClose);
  return { signal: controller.signal, dispose: () => res.off('close', onClose) };
}
