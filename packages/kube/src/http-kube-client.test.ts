import { isGone, KubeError } from './errors.js';
import { HttpKubeClient } from './http-kube-client.js';
import type { HttpRequest, HttpResponse, HttpTransport, StreamResponse } from './transport.js';
import type { WatchEvent } from './types.js';

/** A transport answering from a table of `METHOD path` → response, recording requests. */
class TableTransport implements HttpTransport {
  readonly requests: HttpRequest[] = [];
  constructor(
    private readonly answers: Record<string, HttpResponse>,
    private readonly streamLines: string[] = [],
  ) {}

  async request(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req);
    return (
      this.answers[`${req.method} ${req.path}`] ?? {
        status: 404,
        body: { reason: 'NotFound', message: 'no route' },
      }
    );
  }

  async stream(req: HttpRequest): Promise<StreamResponse> {
    this.requests.push(req);
    const lines = this.streamLines;
    return {
      status: 200,
      body: undefined,
      lines: (async function* () {
        yield* lines;
      })(),
    };
  }
}

const discovery: Record<string, HttpResponse> = {
  'GET /apis/eventing.knative.dev/v1': {
    status: 200,
    body: { resources: [{ name: 'brokers', kind: 'Broker', namespaced: true }] },
  },
  'GET /api/v1': {
    status: 200,
    body: {
      resources: [
        { name: 'namespaces', kind: 'Namespace', namespaced: false },
        { name: 'events', kind: 'Event', namespaced: true },
      ],
    },
  },
};
const broker = {
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Broker',
  metadata: { namespace: 'ns', name: 'b' },
};

describe('HttpKubeClient', () => {
  it.each([
    {
      what: 'get',
      call: (c: HttpKubeClient) => c.get({ ...broker, namespace: 'ns', name: 'b' }),
      want: { method: 'GET', path: '/apis/eventing.knative.dev/v1/namespaces/ns/brokers/b' },
    },
    {
      what: 'create',
      call: (c: HttpKubeClient) => c.create(broker),
      want: { method: 'POST', path: '/apis/eventing.knative.dev/v1/namespaces/ns/brokers' },
    },
    {
      what: 'updateStatus',
      call: (c: HttpKubeClient) => c.updateStatus(broker),
      want: { method: 'PUT', path: '/apis/eventing.knative.dev/v1/namespaces/ns/brokers/b/status' },
    },
    {
      what: 'patch',
      call: (c: HttpKubeClient) => c.patch({ ...broker, namespace: 'ns', name: 'b' }, { spec: {} }),
      want: { method: 'PATCH', contentType: 'application/merge-patch+json' },
    },
    {
      what: 'delete',
      call: (c: HttpKubeClient) =>
        c.delete({ ...broker, namespace: 'ns', name: 'b' }, { propagationPolicy: 'Foreground' }),
      want: {
        method: 'DELETE',
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' },
      },
    },
    {
      what: 'a cluster-scoped get ignores the namespace',
      call: (c: HttpKubeClient) => c.get({ apiVersion: 'v1', kind: 'Namespace', name: 'n1' }),
      want: { method: 'GET', path: '/api/v1/namespaces/n1' },
    },
  ])('$what sends the right request', async ({ call, want }) => {
    const transport = new TableTransport(discovery);
    const client = new HttpKubeClient(transport);
    await call(client).catch(() => undefined);
    expect(transport.requests.at(-1)).toMatchObject(want);
  });

  it('turns a failure Status into a KubeError with context', async () => {
    const client = new HttpKubeClient(
      new TableTransport({
        ...discovery,
        'PUT /apis/eventing.knative.dev/v1/namespaces/ns/brokers/b': {
          status: 409,
          body: {
            kind: 'Status',
            code: 409,
            reason: 'Conflict',
            message: 'the object has been modified',
          },
        },
      }),
    );
    const err = await client.update(broker).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeError);
    expect(err).toMatchObject({
      status: 409,
      reason: 'Conflict',
      context: { verb: 'update', kind: 'Broker', namespace: 'ns', name: 'b' },
    });
    expect((err as Error).message).toBe('update Broker ns/b: the object has been modified');
  });

  it('restores apiVersion and kind on listed items and returns the list resourceVersion', async () => {
    const client = new HttpKubeClient(
      new TableTransport({
        ...discovery,
        'GET /apis/eventing.knative.dev/v1/namespaces/ns/brokers': {
          status: 200,
          body: { metadata: { resourceVersion: '42' }, items: [{ metadata: { name: 'b' } }] },
        },
      }),
    );
    await expect(
      client.list({ apiVersion: broker.apiVersion, kind: 'Broker', namespace: 'ns' }),
    ).resolves.toEqual({
      resourceVersion: '42',
      items: [{ apiVersion: broker.apiVersion, kind: 'Broker', metadata: { name: 'b' } }],
    });
  });

  it('streams watch events and surfaces 410 Gone as an ERROR event', async () => {
    const lines = [
      JSON.stringify({ type: 'ADDED', object: broker }),
      JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '7' } } }),
      JSON.stringify({
        type: 'ERROR',
        object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' },
      }),
    ];
    const transport = new TableTransport(discovery, lines);
    const client = new HttpKubeClient(transport);
    const events: WatchEvent[] = [];
    for await (const e of client.watch(
      { apiVersion: broker.apiVersion, kind: 'Broker' },
      { resourceVersion: '5' },
    )) {
      events.push(e);
    }
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'BOOKMARK', 'ERROR']);
    expect(events[1]).toEqual({ type: 'BOOKMARK', resourceVersion: '7' });
    const last = events[2];
    expect(last?.type === 'ERROR' && isGone(last.error)).toBe(true);
    expect(transport.requests.at(-1)).toMatchObject({
      path: '/apis/eventing.knative.dev/v1/brokers',
      query: { watch: true, resourceVersion: '5', allowWatchBookmarks: true },
    });
  });

  it('creates core/v1 Events about an object', async () => {
    const transport = new TableTransport({
      ...discovery,
      'POST /api/v1/namespaces/ns/events': { status: 201, body: {} },
    });
    const client = new HttpKubeClient(transport, {
      now: () => new Date('2025-01-01T00:00:00.123Z'),
    });
    await client.createEvent({
      involvedObject: { ...broker, metadata: { ...broker.metadata, uid: 'u1' } },
      type: 'Warning',
      reason: 'Failed',
      message: 'boom',
      component: 'test',
    });
    expect(transport.requests.at(-1)?.body).toMatchObject({
      kind: 'Event',
      metadata: { namespace: 'ns' },
      involvedObject: { kind: 'Broker', name: 'b', namespace: 'ns', uid: 'u1' },
      type: 'Warning',
      reason: 'Failed',
      message: 'boom',
      source: { component: 'test' },
      firstTimestamp: '2025-01-01T00:00:00Z',
    });
  });
});
