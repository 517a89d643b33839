/**
 * Answering a request whose body is over the limit so that the client reads the 413.
 * Closing the connection while the client is still sending makes the kernel reset it, and
 * a client that writes its whole body before reading (Python's http.client, many Java
 * clients) then sees a broken pipe and retries as if the network had failed. So the 413
 * (with `Connection: close`) is written at once, the rest of the body is read and thrown
 * away, and the response is ended only when the body is complete; draining is bounded in
 * bytes and time, after which the socket is destroyed. Nothing drained is kept in memory.
 * A client that asked `Expect: 100-continue` never sent the body: it is answered at once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { continueHeld } from './continue.js';

/** Bounds of the drain after a 413. */
export interface DrainLimits {
  /** Bytes read and discarded after the answer, at most. */
  maxBytes: number;
  /** How long to keep reading, at most. */
  timeoutMs: number;
}

/** 64 MiB or 10 s, whichever comes first: 16× the default body limit at loopback speed. */
export const DEFAULT_DRAIN_LIMITS: Readonly<DrainLimits> = {
  maxBytes: 64 * 1024 * 1024,
  timeoutMs: 10_000,
};

/** Writes the 413 with `text` as its body, then drains the request within `limits`. */
export function writeTooLarge(
  res: ServerResponse,
  text: string,
  limits: Readonly<DrainLimits> = DEFAULT_DRAIN_LIMITS,
): void {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(413, {
    connection: 'close',
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(body.length),
  });
  const req = res.req as IncomingMessage | undefined;
  if (req === undefined || req.complete || req.destroyed || continueHeld(req)) {
    res.end(body);
    return;
  }
  res.write(body);
  drain(req, res, limits);
}

function drain(req: IncomingMessage, res: ServerResponse, limits: Readonly<DrainLimits>): void {
  let discarded = 0;
  const stop = (giveUp: boolean): void => {
    clearTimeout(timer);
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('close', onEnd);
    req.off('error', onEnd);
    // Past the bounds the rest is not worth reading: end the answer and drop the connection.
    if (giveUp) res.end(() => req.socket.destroy());
    else res.end();
  };
  const onData = (chunk: Buffer): void => {
    discarded += chunk.length;
    if (discarded > limits.maxBytes) stop(true);
  };
  const onEnd = (): void => stop(false);
  const timer = setTimeout(() => stop(true), limits.timeoutMs);
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('close', onEnd);
  req.on('error', onEnd);
  req.resume();
}
