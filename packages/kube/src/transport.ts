import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import { KubeError, KubeErrorCode, type KubeErrorContext } from './errors.js';
import type { KubeConfig } from './kubeconfig.js';

/** One HTTP request to the API server. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Names the operation in errors. */
  context: KubeErrorContext;
}

export interface HttpResponse {
  status: number;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
}

export interface StreamResponse {
  status: number;
  /** Lines of a 200 answer; empty otherwise. */
  lines: AsyncIterable<string>;
  /** The parsed body of a non-200 answer. */
  body: unknown;
}

/** Moves bytes to and from the API server; injected so the client is testable without one. */
export interface HttpTransport {
  request(req: HttpRequest): Promise<HttpResponse>;
  stream(req: HttpRequest): Promise<StreamResponse>;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON (e.g. a proxy's HTML error page): hand back the text for the error message.
    return text;
  }
}

async function* noLines(): AsyncIterable<string> {}

/** An HttpTransport authenticated by a KubeConfig, with one keep-alive agent. */
export class KubeConfigTransport implements HttpTransport {
  private agent: http.Agent | undefined;

  constructor(private readonly kc: KubeConfig) {}

  private async open(req: HttpRequest): Promise<http.IncomingMessage> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) {
      throw new KubeError(
        KubeErrorCode.Config,
        0,
        '',
        'the kubeconfig has no current cluster',
        req.context,
      );
    }
    const url = new URL(cluster.server.replace(/\/$/, '') + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const options: https.RequestOptions = {
      method: req.method,
      headers: { Accept: 'application/json' },
    };
    // Re-applied per request: tokens (in-cluster, exec plugins) rotate.
    await this.kc.applyToHTTPSOptions(options);
    if (!cluster.proxyUrl) options.agent = this.keepAliveAgent(url, options);
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    if (payload !== undefined) {
      options.headers = {
        ...options.headers,
        'Content-Type': req.contentType ?? 'application/json',
        // Node frames DELETE bodies without chunking: without a length the body leaks into
        // the next request on the keep-alive connection, which then fails with 400.
        'Content-Length': Buffer.byteLength(payload),
      };
    }
    const mod = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const request = mod.request(url, { ...options, signal: req.signal }, resolve);
      request.on('error', (err) =>
        reject(
          new KubeError(KubeErrorCode.Transport, 0, '', err.message, req.context, { cause: err }),
        ),
      );
      request.end(payload);
    });
  }

  private keepAliveAgent(url: URL, options: https.RequestOptions): http.Agent {
    if (!this.agent) {
      const { ca, cert, key, rejectUnauthorized, servername } = options;
      this.agent =
        url.protocol === 'http:'
          ? new http.Agent({ keepAlive: true })
          : new https.Agent({ keepAlive: true, ca, cert, key, rejectUnauthorized, servername });
    }
    return this.agent;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const res = await this.open(req);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of res) chunks.push(chunk as Buffer);
    } catch (err) {
      throw new KubeError(KubeErrorCode.Transport, 0, '', (err as Error).message, req.context, {
        cause: err,
      });
    }
    return { status: res.statusCode ?? 0, body: parseBody(Buffer.concat(chunks).toString('utf8')) };
  }

  async stream(req: HttpRequest): Promise<StreamResponse> {
    const res = await this.open(req);
    const status = res.statusCode ?? 0;
    if (status !== 200) {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      return { status, lines: noLines(), body: parseBody(Buffer.concat(chunks).toString('utf8')) };
    }
    return { status, lines: createInterface({ input: res, crlfDelay: Infinity }), body: undefined };
  }
}
