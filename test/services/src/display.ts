/**
 * The event display / recorder (Knative's `event_display`): prints every event it receives
 * in the same layout and keeps them, newest last, for `GET /events`.
 */
import type { CloudEvent } from '@knative-ts/delivery';
import { eventView } from './event-view.js';

const CONTEXT = ['specversion', 'type', 'source', 'subject', 'id', 'time', 'dataschema'];
const NOT_EXTENSIONS = new Set([...CONTEXT, 'datacontenttype']);

/** Knative event_display's text for one event. */
export function formatEvent(event: CloudEvent): string {
  const a = event.attributes;
  const lines = ['☁️  cloudevents.Event', 'Context Attributes,'];
  for (const name of [...CONTEXT, 'datacontenttype']) {
    if (a[name] !== undefined) lines.push(`  ${name}: ${a[name]}`);
  }
  const extensions = Object.keys(a)
    .filter((name) => !NOT_EXTENSIONS.has(name))
    .sort();
  if (extensions.length > 0) {
    lines.push('Extensions,', ...extensions.map((name) => `  ${name}: ${a[name]}`));
  }
  const view = eventView(event);
  if ('data' in view || 'data_base64' in view) {
    const data = view['data'] ?? view['data_base64'];
    lines.push('Data,', `  ${typeof data === 'string' ? data : JSON.stringify(data, null, 2)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Keeps what it received (up to `limit`, oldest dropped first). */
export class EventDisplay {
  private readonly events: CloudEvent[] = [];

  constructor(
    private readonly print: (text: string) => void,
    private readonly limit = 10_000,
  ) {}

  record(event: CloudEvent): void {
    this.events.push(event);
    if (this.events.length > this.limit) this.events.shift();
    this.print(formatEvent(event));
  }

  /** Everything kept, as CloudEvents JSON, oldest first. */
  list(): Record<string, unknown>[] {
    return this.events.map(eventView);
  }
}
