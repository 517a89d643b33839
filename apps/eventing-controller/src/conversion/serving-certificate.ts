import { webcrypto, X509Certificate } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { isAlreadyExists, isNotFound, type KubeClient, type KubeObject } from '@knative-ts/kube';

/**
 * @peculiar/x509, loaded only to make a certificate: it holds about 6 MiB of heap, and a
 * controller that finds a usable certificate in its Secret (every start but the first)
 * reads it with node:crypto alone.
 */
async function loadX509(): Promise<typeof X509> {
  const x509 = await import('@peculiar/x509');
  // It signs through WebCrypto; Node has it under node:crypto.
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  return x509;
}

/** PEM material of the conversion webhook's TLS: its CA goes into the CRD's caBundle. */
export interface ServingCertificate {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** Knative's webhook Secret and keys (knative.dev/pkg/webhook/certificates). */
export const WebhookSecretKeys = {
  ca: 'ca-cert.pem',
  cert: 'server-cert.pem',
  key: 'server-key.pem',
} as const;

const dayMs = 24 * 60 * 60 * 1000;
const validityMs = 365 * dayMs;
/** Renewed at start when less than this is left. */
const renewBeforeMs = 30 * dayMs;
const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

type Secret = KubeObject & { data?: Record<string, string> };

const randomSerial = (): string =>
  Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex');

/** A self-signed CA and a serving certificate for `dnsNames` and `ips`, from now. */
export async function generateServingCertificate(
  dnsNames: string[],
  ips: string[],
  now = new Date(),
): Promise<ServingCertificate> {
  const x509 = await loadX509();
  const notAfter = new Date(now.getTime() + validityMs);
  const caKeys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=knative-ts eventing-webhook CA',
    notBefore: now,
    notAfter,
    keys: caKeys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${dnsNames[0] ?? ips[0] ?? 'eventing-webhook'}`,
    issuer: ca.subject,
    notBefore: now,
    notAfter,
    signingKey: caKeys.privateKey,
    publicKey: keys.publicKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    caPem: ca.toString('pem'),
    certPem: cert.toString('pem'),
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
  };
}

function fromSecret(secret: Secret | undefined): ServingCertificate | undefined {
  const data = secret?.data;
  const read = (k: string) => (data?.[k] ? Buffer.from(data[k], 'base64').toString() : '');
  const got = {
    caPem: read(WebhookSecretKeys.ca),
    certPem: read(WebhookSecretKeys.cert),
    keyPem: read(WebhookSecretKeys.key),
  };
  return got.caPem && got.certPem && got.keyPem ? got : undefined;
}

/** Whether `cert` covers every name and stays valid long enough. */
function usable(c: ServingCertificate, dnsNames: string[], ips: string[], now: Date): boolean {
  const cert = new X509Certificate(c.certPem);
  if (Date.parse(cert.validTo) - now.getTime() < renewBeforeMs) return false;
  return (
    dnsNames.every((n) => cert.checkHost(n) !== undefined) &&
    ips.every((ip) => cert.checkIP(ip) !== undefined)
  );
}

export interface EnsureCertificateOptions {
  client: KubeClient;
  namespace: string;
  secretName: string;
  dnsNames: string[];
  ips: string[];
  now?: () => Date;
}

/**
 * The webhook's certificate, shared by every replica through a Secret (as Knative's
 * webhook keeps `eventing-webhook-certs`): read it, or make one and store it; when two
 * replicas race, the Secret that won is used.
 */
export async function ensureServingCertificate(
  o: EnsureCertificateOptions,
): Promise<ServingCertificate> {
  const now = o.now?.() ?? new Date();
  const ref = { apiVersion: 'v1', kind: 'Secret', namespace: o.namespace, name: o.secretName };
  const read = async (): Promise<Secret | undefined> => {
    try {
      return await o.client.get<Secret>(ref);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  const existing = await read();
  const current = fromSecret(existing);
  if (current && usable(current, o.dnsNames, o.ips, now)) return current;
  const fresh = await generateServingCertificate(o.dnsNames, o.ips, now);
  const data = {
    [WebhookSecretKeys.ca]: Buffer.from(fresh.caPem).toString('base64'),
    [WebhookSecretKeys.cert]: Buffer.from(fresh.certPem).toString('base64'),
    [WebhookSecretKeys.key]: Buffer.from(fresh.keyPem).toString('base64'),
  };
  if (existing) {
    await o.client.update({ ...existing, data } as Secret);
    return fresh;
  }
  try {
    await o.client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: o.namespace, name: o.secretName },
      type: 'Opaque',
      data,
    } as Secret);
    return fresh;
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const winner = fromSecret(await read());
    if (!winner)
      throw new Error(`Secret ${o.namespace}/${o.secretName} exists without a certificate`, {
        cause: err,
      });
    return winner;
  }
}
