import { X509Certificate } from 'node:crypto';
import { FakeKubeClient } from '@knative-ts/kube/testing';
import { ensureServingCertificate, generateServingCertificate } from './serving-certificate.js';

const opts = (client: FakeKubeClient) => ({
  client,
  namespace: 'knative-eventing',
  secretName: 'eventing-webhook-certs',
  dnsNames: ['eventing-webhook.knative-eventing.svc'],
  ips: ['127.0.0.1'],
});

describe('serving certificate', () => {
  it('is signed by its CA and names every host', async () => {
    const c = await generateServingCertificate(
      ['eventing-webhook.knative-eventing.svc'],
      ['127.0.0.1'],
    );
    const cert = new X509Certificate(c.certPem);
    expect(cert.verify(new X509Certificate(c.caPem).publicKey)).toBe(true);
    expect(cert.checkHost('eventing-webhook.knative-eventing.svc')).toBeDefined();
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(new X509Certificate(c.caPem).ca).toBe(true);
  });

  it('is stored in a Secret once and read back by the next replica', async () => {
    const client = new FakeKubeClient();
    const first = await ensureServingCertificate(opts(client));
    const second = await ensureServingCertificate(opts(client));
    expect(second).toEqual(first);
    expect(client.mutations().map((a) => `${a.verb} ${a.kind}`)).toEqual(['create Secret']);
  });

  it('is renewed when it no longer names a host', async () => {
    const client = new FakeKubeClient();
    const first = await ensureServingCertificate(opts(client));
    const renewed = await ensureServingCertificate({ ...opts(client), dnsNames: ['other.svc'] });
    expect(renewed.certPem).not.toBe(first.certPem);
    expect(client.mutations().map((a) => `${a.verb} ${a.kind}`)).toEqual([
      'create Secret',
      'update Secret',
    ]);
  });
});
