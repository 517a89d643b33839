import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A channel kind served by one of our dispatcher apps. */
export interface ChannelKind {
  apiVersion: string;
  kind: string;
  /** The Service in the system namespace that the kind's channels point at. */
  service: string;
  /** The app under apps/ that serves it. */
  app: string;
}

const appsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../apps');

/**
 * The channel kinds whose dispatcher exists: each dispatcher app declares the kind it
 * serves in its package.json (`"knative-ts": {"channel": {...}}`) once it really does, so a
 * suite that runs "once per channel kind" picks up KafkaChannel and NatssChannel by itself
 * when their dispatchers land.
 */
export function installedChannelKinds(): ChannelKind[] {
  const kinds: ChannelKind[] = [];
  for (const app of readdirSync(appsDir).sort()) {
    const manifest = JSON.parse(readFileSync(join(appsDir, app, 'package.json'), 'utf8')) as {
      'knative-ts'?: { channel?: Omit<ChannelKind, 'app'> };
    };
    const channel = manifest['knative-ts']?.channel;
    if (channel) kinds.push({ ...channel, app });
  }
  return kinds;
}
