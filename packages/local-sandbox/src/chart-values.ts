/**
 * Which of the chart's apps that are off by default npm start turns on: an app whose
 * values block (`<camelCase name>`) has `enabled: false` and whose build is more than a
 * placeholder (a dispatcher still being written ships a dist holding only main.js).
 */
import { existsSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';

/** imc-dispatcher -> imcDispatcher: the chart's values key of an app. */
export const valuesKey = (app: string): string =>
  app.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** A built app whose dist has only its main module has no work of its own yet. */
export function isPlaceholderApp(distDir: string): boolean {
  if (!existsSync(distDir)) return true;
  return readdirSync(distDir).every((file) => file.startsWith('main.'));
}

/** Values keys to set `enabled=true`, for the apps that are real (`isReal(app)`). */
export function keysToEnable(
  valuesYaml: string,
  apps: string[],
  isReal: (app: string) => boolean,
): string[] {
  const values = (parse(valuesYaml) ?? {}) as Record<string, { enabled?: unknown } | undefined>;
  return apps
    .filter((app) => values[valuesKey(app)]?.enabled === false && isReal(app))
    .map(valuesKey);
}
