/** Content-Type helpers shared by the binary and structured codecs. */

/** How a message carries its event (HTTP binding §3: decided by Content-Type alone). */
export type ContentMode = 'binary' | 'structured' | 'batch';

/** The content mode a Content-Type selects, and the structured format name if any. */
export function contentModeOf(contentType: string | undefined): {
  mode: ContentMode;
  format?: string;
} {
  const essence = mediaTypeEssence(contentType);
  if (essence.startsWith('application/cloudevents-batch')) return { mode: 'batch' };
  if (essence.startsWith('application/cloudevents')) {
    // `application/cloudevents+json` → format "json"; a bare `application/cloudevents` has none.
    const plus = essence.indexOf('+');
    return { mode: 'structured', format: plus < 0 ? '' : essence.slice(plus + 1) };
  }
  return { mode: 'binary' };
}

/** `type/subtype` in lower case, without parameters. */
export function mediaTypeEssence(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** JSON media types (`application/json`, `text/json`, `*\/*+json`), as the JSON format defines. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const e = mediaTypeEssence(contentType);
  return e === 'application/json' || e === 'text/json' || e.endsWith('+json');
}

/** Media types whose data the JSON format may carry as a JSON string rather than base64. */
export function isTextMediaType(contentType: string | undefined): boolean {
  const e = mediaTypeEssence(contentType);
  return e.startsWith('text/') || e.endsWith('+xml') || e === 'application/xml';
}
