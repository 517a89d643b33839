import type { ObjectRef } from '@knative-ts/kube';
import {
  serviceHostName,
  type Addressable,
  type Destination,
  type KReference,
} from '@knative-ts/types';
import { describeRef, type References } from '../references/references.js';

/** A Destination that could not be turned into an address; the message says why (as Knative words it). */
export class ResolveError extends Error {
  override readonly name = 'ResolveError';
  readonly code = 'EVENTING_ERR_RESOLVE';
}

/** The addressable duck type's status: `status.address`, `status.addresses`. */
interface AddressableStatus {
  address?: Partial<Addressable>;
  addresses?: Array<Partial<Addressable>>;
}

export interface DestinationResolverOptions {
  references: References;
  clusterDomain: string;
}

/** Whether `d` has nothing to resolve (Knative's isNilOrEmptyDestination). */
export function isEmptyDestination(d: Destination | undefined): boolean {
  return !d || (!d.ref && !d.uri);
}

function hasScheme(uri: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(uri);
}

/**
 * Turns Destinations into addresses as knative.dev/pkg's URIResolver does: a ref to a core
 * v1 Service becomes its cluster URL, a ref to anything else is read and its
 * `status.address` (or first of `status.addresses`) is used, a `uri` is taken as is
 * (absolute) or resolved against the ref's URL (relative). Every ref is tracked, so the
 * owner is re-queued when the referenced object appears or changes.
 */
export class DestinationResolver {
  constructor(private readonly options: DestinationResolverOptions) {}

  /** The URL of `dest`; throws ResolveError. Refs without a namespace use `namespace`. */
  async uri(dest: Destination, namespace: string, ownerKey: string): Promise<string> {
    return (await this.address(dest, namespace, ownerKey)).url;
  }

  /** The address of `dest` with the CA certs and audience that go with it; throws ResolveError. */
  async address(dest: Destination, namespace: string, ownerKey: string): Promise<Addressable> {
    if (dest.ref) {
      const base = await this.addressOfRef(dest.ref, namespace, ownerKey);
      const url = dest.uri ? this.relative(base.url, dest.uri) : base.url;
      return withExtras({ ...base, url }, dest);
    }
    if (dest.uri) {
      if (!isAbsolute(dest.uri)) {
        throw new ResolveError(
          `URI is not absolute (both scheme and host should be non-empty): "${dest.uri}"`,
        );
      }
      return withExtras({ url: dest.uri }, dest);
    }
    throw new ResolveError('destination missing Ref and URI, expected at least one');
  }

  private relative(base: string, uri: string): string {
    if (hasScheme(uri)) {
      throw new ResolveError(
        'absolute URI is not allowed when Ref or [apiVersion, kind, name] exists',
      );
    }
    return new URL(uri, base).toString();
  }

  private async addressOfRef(
    ref: KReference,
    namespace: string,
    ownerKey: string,
  ): Promise<Addressable> {
    if (!ref.apiVersion) {
      // `group` alone needs the kreference-group feature (alpha, off), which is not implemented.
      throw new ResolveError(`reference ${ref.kind} "${ref.name}" has no apiVersion`);
    }
    const target: ObjectRef = {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      namespace: ref.namespace || namespace,
      name: ref.name,
    };
    // Kubernetes Services are not addressables, yet callable by their cluster DNS name.
    if (target.apiVersion === 'v1' && target.kind === 'Service') {
      const host = serviceHostName(target.name, target.namespace ?? '', this.options.clusterDomain);
      return { url: `http://${host}` };
    }
    const { references } = this.options;
    references.track(target, ownerKey);
    let obj;
    try {
      obj = await references.get<{ status?: AddressableStatus } & ObjectRefLike>(target);
    } catch (err) {
      throw new ResolveError(
        `failed to get object ${target.namespace}/${target.name}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (!obj) {
      throw new ResolveError(
        `failed to get object ${target.namespace}/${target.name}: ${notFoundMessage(target)}`,
      );
    }
    return addressOf(obj.status, target);
  }
}

type ObjectRefLike = { apiVersion: string; kind: string; metadata: { name?: string } };

/** What the API server says about a missing object: `<plural>.<group> "<name>" not found`. */
export function notFoundMessage(ref: ObjectRef): string {
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  const resource = `${ref.kind.toLowerCase()}s${group ? `.${group}` : ''}`;
  return `${resource} "${ref.name}" not found`;
}

/** The address an addressable's status advertises (AddressableFromObjectReference). */
function addressOf(status: AddressableStatus | undefined, ref: ObjectRef): Addressable {
  let address = status?.address;
  const addresses = status?.addresses ?? [];
  if (addresses.length > 0) {
    address = address ? addresses.find((a) => a.name === address?.name) : addresses[0];
    if (!address) {
      throw new ResolveError(
        `address with name ${status?.address?.name ?? ''} cannot be found/resolved for ${describeRef(ref)}`,
      );
    }
  }
  if (!address) throw new ResolveError(`address not set for ${describeRef(ref)}`);
  if (!address.url) throw new ResolveError(`URL missing in address of ${describeRef(ref)}`);
  if (!isAbsolute(address.url)) {
    throw new ResolveError(`hostname missing in address of ${describeRef(ref)}`);
  }
  const out: Addressable = { url: address.url };
  if (address.CACerts) out.CACerts = address.CACerts;
  if (address.audience) out.audience = address.audience;
  return out;
}

/** Absolute means a scheme and a host, as Knative requires. */
function isAbsolute(uri: string): boolean {
  if (!hasScheme(uri)) return false;
  try {
    return new URL(uri).host !== '';
  } catch {
    // Unparseable strings are simply not absolute URIs; the caller reports that.
    return false;
  }
}

/** The Destination's own CA certs are appended to the addressable's; its audience wins. */
function withExtras(address: Addressable, dest: Destination): Addressable {
  const out = { ...address };
  if (dest.CACerts) out.CACerts = out.CACerts ? `${out.CACerts}\n${dest.CACerts}` : dest.CACerts;
  if (dest.audience) out.audience = dest.audience;
  return out;
}
