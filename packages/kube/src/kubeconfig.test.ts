import { mkdtempSync, writeFileSync } from 'node:fs';
import type https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { KubeError } from './errors.js';
import { kubeConfigFromFile } from './kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
writeFileSync(join(dir, 'ca.crt'), 'CA FROM FILE');
writeFileSync(join(dir, 'token'), 'token-from-file\n');

/** Writes a kubeconfig whose current context uses `cluster` and `user`. */
function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}`);
  writeFileSync(
    file,
    dump({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'ctx',
      contexts: [
        { name: 'other', context: { cluster: 'nope', user: 'nope' } },
        { name: 'ctx', context: { cluster: 'c', user: 'u' } },
      ],
      clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1:6443', ...cluster } }],
      users: [{ name: 'u', user }],
    }),
  );
  return file;
}

async function applied(file: string): Promise<https.RequestOptions> {
  const options: https.RequestOptions = { headers: { Accept: 'application/json' } };
  await kubeConfigFromFile(file).applyToHTTPSOptions(options);
  return options;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('kubeConfigFromFile', () => {
  it.each([
    [
      'a bearer token and inline CA',
      { 'certificate-authority-data': b64('INLINE CA') },
      { token: 'abc' },
      { ca: 'INLINE CA', authorization: 'Bearer abc' },
    ],
    [
      'a CA file relative to the kubeconfig and a token file',
      { 'certificate-authority': 'ca.crt' },
      { tokenFile: 'token' },
      { ca: 'CA FROM FILE', authorization: 'Bearer token-from-file' },
    ],
    [
      'a client certificate',
      { 'insecure-skip-tls-verify': true, 'tls-server-name': 'kubernetes' },
      { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') },
      {
        cert: 'CERT',
        key: 'KEY',
        rejectUnauthorized: false,
        servername: 'kubernetes',
        authorization: undefined,
      },
    ],
    [
      'basic auth',
      {},
      { username: 'admin', password: 's3cret' },
      { authorization: `Basic ${b64('admin:s3cret')}` },
    ],
  ])('applies %s', async (_case, cluster, user, want) => {
    const o = await applied(kubeconfig(cluster, user));
    const headers = o.headers as Record<string, string>;
    const got: Record<string, unknown> = { authorization: headers['Authorization'] };
    for (const k of ['ca', 'cert', 'key', 'rejectUnauthorized', 'servername'] as const) {
      const v = o[k];
      if (v !== undefined) got[k] = Buffer.isBuffer(v) ? v.toString() : v;
    }
    expect(got).toEqual(want);
    expect(headers['Accept']).toBe('application/json');
  });

  it("reports the current context's cluster", () => {
    const kc = kubeConfigFromFile(kubeconfig({ 'proxy-url': 'http://proxy:3128' }, {}));
    expect(kc.getCurrentCluster()).toEqual({
      name: 'c',
      server: 'https://10.0.0.1:6443',
      proxyUrl: 'http://proxy:3128',
    });
  });

  it('runs an exec credential plugin (through client-node)', async () => {
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      kind: 'ExecCredential',
      status: { token: 'from-plugin' },
    });
    const file = kubeconfig(
      {},
      {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: process.execPath,
          args: ['-e', `process.stdout.write(${JSON.stringify(credential)})`],
        },
      },
    );
    const o = await applied(file);
    expect((o.headers as Record<string, string>)['Authorization']).toBe('Bearer from-plugin');
  });

  it.each([
    ['a missing file', () => join(dir, 'absent')],
    [
      'no current-context',
      () => {
        const f = join(dir, 'no-context');
        writeFileSync(f, 'apiVersion: v1\nkind: Config\n');
        return f;
      },
    ],
    ['a cluster without server', () => kubeconfig({ server: '' }, {})],
  ])('fails with a KubeError naming the problem for %s', (_case, file) => {
    expect(() => kubeConfigFromFile(file())).toThrow(KubeError);
  });
});
