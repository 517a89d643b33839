/**
 * URLs on this machine for Services of the local node: this machine routes the service
 * range to the node (test/cluster/network.sh), so a Service's ClusterIP and port answer
 * here as they do in a pod.
 */
export interface ServiceLike {
  metadata: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: { clusterIP?: string; ports?: Array<{ name?: string; port: number }> };
}

/** `http://<clusterIP>:<port>` of the Service's port `portName`, if it has one. */
export function serviceUrl(svc: ServiceLike, portName: string): string | undefined {
  const ip = svc.spec?.clusterIP;
  const port = svc.spec?.ports?.find((p) => p.name === portName)?.port;
  if (!ip || ip === 'None' || port === undefined) return undefined;
  return port === 80 ? `http://${ip}` : `http://${ip}:${port}`;
}
