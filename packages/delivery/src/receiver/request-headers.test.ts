import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { distinctHeaders } from './request-headers.js';

describe('distinctHeaders', () => {
  it.each([
    ['one header', ['Ce-Id', 'a'], { 'ce-id': 'a' }],
    [
      'names lower-cased',
      ['CE-SOURCE', '/s', 'content-TYPE', 'text/plain'],
      { 'ce-source': '/s', 'content-type': 'text/plain' },
    ],
    ['a repeat becomes an array', ['ce-id', 'a', 'ce-id', 'b'], { 'ce-id': ['a', 'b'] }],
    [
      'repeats in other cases too',
      ['ce-id', 'a', 'Ce-Id', 'b', 'CE-ID', 'c'],
      { 'ce-id': ['a', 'b', 'c'] },
    ],
    ['an empty value stays', ['ce-subject', ''], { 'ce-subject': '' }],
    ['no headers', [], {}],
  ])('%s', (_case, rawHeaders, expected) => {
    expect(distinctHeaders({ rawHeaders })).toEqual(expected);
  });

  it('agrees with Node’s headersDistinct on a real request', async () => {
    let seen: IncomingMessage | undefined;
    const server = createServer((req, res) => {
      seen = req;
      req.resume();
      req.on('end', () => res.end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/' }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.setHeader('Ce-Id', ['1', '2']);
        req.setHeader('content-type', ['a/b', 'c/d']);
        req.setHeader('ce-source', '/x');
        req.end('x');
      });
      const req = seen as IncomingMessage;
      const fromNode = Object.fromEntries(
        Object.entries(req.headersDistinct).map(([k, v]) => [k, v?.length === 1 ? v[0] : v]),
      );
      expect(distinctHeaders(req)).toEqual(fromNode);
      expect(distinctHeaders(req)['ce-id']).toEqual(['1', '2']);
    } finally {
      server.close();
    }
  });
});
