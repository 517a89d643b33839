/**
 * The request rules every event receiver shares (broker-ingress, broker-filter, channel
 * dispatchers): which methods are answered how (data-plane-spec B.11, A.8), and turning a
 * request into a CloudEvent or into the status that refuses it (413 too large, 400/415 from
 * the binding, B.13).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseHttpEvent } from '../binding/http.js';
import { BindingError } from '../errors.js';
import type { CloudEvent } from '../event.js';
import { readBody } from './body.js';
import { writeTooLarge } from './oversized.js';
import { distinctHeaders } from './request-headers.js';

/** Headers of Knative's OPTIONS answer on ingress endpoints (eventing ingress_handler.go). */
export const OPTIONS_HEADERS: Readonly<Record<string, string>> = {
  allow: 'POST, OPTIONS',
  'webhook-allowed-origin': '*',
  'webhook-allowed-rate': '*',
};

export interface MethodRules {
  /** Answer OPTIONS with 200 (ingress endpoints); otherwise OPTIONS is a 405 like any other. */
  options: boolean;
}

/**
 * Answers anything but POST: OPTIONS 200 with `Allow: POST, OPTIONS` when allowed, else 405
 * with the `Allow` header. Returns true when the request has been answered.
 */
export function answerNonPost(
  req: IncomingMessage,
  res: ServerResponse,
  rules: MethodRules,
): boolean {
  if (req.method === 'POST') return false;
  if (rules.options && req.method === 'OPTIONS') {
    writeText(res, 200, '', OPTIONS_HEADERS);
    return true;
  }
  writeText(res, 405, '', { allow: rules.options ? (OPTIONS_HEADERS['allow'] ?? '') : 'POST' });
  return true;
}

/** A request's event, or why it is refused. */
export type EventReading =
  { ok: true; event: CloudEvent } | { ok: false; status: number; reason: string; message: string };

/** The reason reported for a body above the limit. */
export const TOO_LARGE_REASON = 'body-too-large';

/** Reads and parses the event of `req`: 413 above `maxBodyBytes`, 400/415 when malformed. */
export async function readEvent(req: IncomingMessage, maxBodyBytes: number): Promise<EventReading> {
  const reading = await readBody(req, maxBodyBytes);
  if (!reading.ok) {
    return {
      ok: false,
      status: 413,
      reason: TOO_LARGE_REASON,
      message: `body larger than ${maxBodyBytes} bytes`,
    };
  }
  try {
    // Repeated headers stay arrays here, so a repeated ce-id or Content-Type is a 400.
    const headers = distinctHeaders(req);
    return { ok: true, event: parseHttpEvent({ headers, body: reading.body }) };
  } catch (err) {
    if (!(err instanceof BindingError)) throw err;
    return { ok: false, status: err.status, reason: err.reason, message: err.message };
  }
}

/** Answers a refused request: the status, and `reason: message` as plain text. */
export function writeRefusal(
  res: ServerResponse,
  refusal: Extract<EventReading, { ok: false }>,
): void {
  const text = `${refusal.reason}: ${refusal.message}`;
  // 413: answer now, drain the rest of the body (bounded), then close, so the client reads it.
  if (refusal.status === 413) writeTooLarge(res, text);
  else writeText(res, refusal.status, text);
}

/** Writes a complete response with a plain-text body (none when `body` is empty). */
export function writeText(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const all: Record<string, string> = { ...headers };
  if (body !== '') all['content-type'] = 'text/plain; charset=utf-8';
  res.writeHead(status, all);
  res.end(body);
}
