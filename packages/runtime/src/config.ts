import { RuntimeError, RuntimeErrorCode } from './errors.js';

/** The outcome of parsing one variable: a value, or why it was rejected. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

/** How to read one environment variable. */
export interface Field<T> {
  parse(raw: string | undefined): ParseResult<T>;
}

export type Schema = Record<string, Field<unknown>>;

/** The typed config a schema describes. */
export type ConfigOf<S extends Schema> = {
  [K in keyof S]: S[K] extends Field<infer T> ? T : never;
};

const missing = { ok: false, problem: 'is required' } as const;

function withDefault<T>(fallback: T | undefined, parse: (raw: string) => ParseResult<T>): Field<T> {
  return {
    parse: (raw) => {
      if (raw === undefined || raw === '') {
        return fallback === undefined ? missing : { ok: true, value: fallback };
      }
      return parse(raw);
    },
  };
}

/** An integer in [min, max]. */
export function int(opts: { min?: number; max?: number; default?: number } = {}): Field<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = opts;
  return withDefault(opts.default, (raw) => {
    const value = Number(raw);
    return /^-?\d+$/.test(raw) && value >= min && value <= max
      ? { ok: true, value }
      : { ok: false, problem: `must be an integer in [${min}, ${max}], got "${raw}"` };
  });
}

/** A TCP port; 0 asks the OS for a free one. */
export function port(fallback?: number): Field<number> {
  return int({ min: 0, max: 65535, default: fallback });
}

/** Any non-empty string. */
export function str(fallback?: string): Field<string> {
  return withDefault(fallback, (raw) => ({ ok: true, value: raw }));
}

/** One of a fixed set of strings. */
export function oneOf<const T extends string>(values: readonly T[], fallback?: T): Field<T> {
  return withDefault(fallback, (raw) =>
    (values as readonly string[]).includes(raw)
      ? { ok: true, value: raw as T }
      : { ok: false, problem: `must be one of ${values.join(', ')}, got "${raw}"` },
  );
}

/** `true` or `false`, as Kubernetes manifests write booleans into env. */
export function bool(fallback?: boolean): Field<boolean> {
  const choice = oneOf(
    ['true', 'false'] as const,
    fallback === undefined ? undefined : `${fallback}`,
  );
  return {
    parse: (raw) => {
      const result = choice.parse(raw);
      return result.ok ? { ok: true, value: result.value === 'true' } : result;
    },
  };
}

/**
 * Read every variable of `schema` from `env`. Throws one RUNTIME_ERR_CONFIG error naming
 * every missing or invalid variable, so an operator fixes them all in one go.
 */
export function readConfig<S extends Schema>(
  env: Record<string, string | undefined>,
  schema: S,
): ConfigOf<S> {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, field] of Object.entries(schema)) {
    const result = field.parse(env[name]);
    if (result.ok) config[name] = result.value;
    else problems.push(`${name} ${result.problem}`);
  }
  if (problems.length > 0) {
    throw new RuntimeError(
      RuntimeErrorCode.Config,
      `invalid configuration: ${problems.join('; ')}`,
      { problems },
    );
  }
  return config as ConfigOf<S>;
}
