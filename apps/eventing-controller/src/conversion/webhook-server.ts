import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@knative-ts/reconciler';
import { BadConversionReview, reviewConversion } from './conversion-review.js';
import type { ServingCertificate } from './serving-certificate.js';

/** Where the API server posts ConversionReviews. */
export const ConversionPath = '/convert';

/** A list conversion carries every object of the list in one review: allow big bodies. */
const maxBodyBytes = 64 * 1024 * 1024;

export interface ConversionWebhookServer {
  port: number;
  close(): Promise<void>;
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function handle(req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== ConversionPath) return answer(res, 404, `no handler for ${path ?? ''}`);
  if (req.method !== 'POST') return answer(res, 405, 'POST a ConversionReview');
  const body = await readBody(req);
  if (body === undefined) return answer(res, 413, `body over ${maxBodyBytes} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return answer(res, 400, `body is not JSON: ${(err as Error).message}`);
  }
  try {
    const review = reviewConversion(parsed);
    if (review.response?.result.status === 'Failure') {
      log.warn({ uid: review.response.uid, result: review.response.result }, 'conversion failed');
    }
    answer(res, 200, review);
  } catch (err) {
    if (!(err instanceof BadConversionReview)) throw err;
    answer(res, 400, err.message);
  }
}

/** Serves ConversionReviews over HTTPS, as the API server requires of webhooks. */
export async function startConversionWebhookServer(o: {
  port: number;
  host?: string;
  certificate: ServingCertificate;
  log: Logger;
}): Promise<ConversionWebhookServer> {
  const server: Server = createServer(
    { cert: o.certificate.certPem, key: o.certificate.keyPem },
    (req, res) => {
      handle(req, res, o.log).catch((err: unknown) => {
        o.log.error({ err }, 'conversion request failed');
        if (!res.headersSent) answer(res, 500, (err as Error).message);
        else res.destroy();
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : o.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
