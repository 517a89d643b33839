/** The services by name, each configured by env as the tutorial images were. */
import type { Logger } from '@knative-ts/runtime';
import { appendMessage } from './appender.js';
import { EventDisplay } from './display.js';
import { compileFilter } from './filter.js';
import type { ServiceDefinition } from './server.js';
import { parseTransformer, transform } from './transformer.js';

export const SERVICE_NAMES = ['appender', 'filter', 'transformer', 'event-display'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServiceContext {
  env: Record<string, string | undefined>;
  log: Logger;
  /** Where the event display prints (stdout in the container). */
  print: (text: string) => void;
}

/** Builds service `name`; throws naming the variable that is missing or invalid. */
export function createService(name: ServiceName, ctx: ServiceContext): ServiceDefinition {
  const { env, log } = ctx;
  switch (name) {
    case 'appender': {
      const message = env['MESSAGE'] ?? '';
      return { handle: (event) => appendMessage(event, message) };
    }
    case 'filter': {
      const passes = compileFilter(required(env, 'FILTER'));
      return {
        handle: (event) => {
          try {
            return passes(event) ? event : undefined;
          } catch (err) {
            log.warn(
              { err, id: event.attributes['id'] },
              'filter expression failed; event dropped',
            );
            return undefined;
          }
        },
      };
    }
    case 'transformer': {
      const data = parseTransformer(required(env, 'TRANSFORMER'));
      return { handle: (event) => transform(event, data) };
    }
    case 'event-display': {
      const display = new EventDisplay(ctx.print);
      return {
        handle: (event) => {
          display.record(event);
          return undefined;
        },
        get: { '/events': () => display.list() },
      };
    }
  }
}

/** Whether `name` is a service this package has. */
export function isServiceName(name: string | undefined): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name ?? '');
}

function required(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new Error(`${name} is required`);
  return value;
}
