import { cronScheduleError, isValidTimeZone } from './cron.js';
import type { ValidationFeatures } from './features.js';
import { genericError, invalidValue, viaField, type FieldError } from './field-error.js';
import type { PingSource } from './ping-source.js';
import { validateSourceSpec } from './source-validation.js';

/** Validate a defaulted PingSource (ping_validation.go): schedule, time zone, payload, sink. */
export function validatePingSource(
  ps: PingSource,
  features: Partial<ValidationFeatures> = {},
): FieldError[] {
  const ctx = { parentNamespace: ps.metadata.namespace ?? '', features };
  const spec = ps.spec;
  const errs: FieldError[] = [];
  const cronErr = cronScheduleError(spec.schedule ?? '');
  if (cronErr) errs.push(invalidValue(spec.schedule, 'schedule', cronErr));
  if (spec.timezone && !isValidTimeZone(spec.timezone)) {
    errs.push(invalidValue(spec.timezone, 'timezone', 'unknown time zone'));
  }
  errs.push(...payloadErrors(spec.contentType, spec.data, spec.dataBase64));
  errs.push(...validateSourceSpec(spec, ctx));
  return viaField(errs, 'spec');
}

/** data and dataBase64 are exclusive; a JSON content type requires JSON data. */
function payloadErrors(
  contentType: string | undefined,
  data: string | undefined,
  dataBase64: string | undefined,
): FieldError[] {
  if (data && dataBase64)
    return [genericError('expected exactly one, got both', 'data, dataBase64')];
  if (dataBase64 && !/^[A-Za-z0-9+/]*={0,2}$/.test(dataBase64)) {
    return [invalidValue(dataBase64, 'dataBase64', 'not valid base64')];
  }
  const isJson = contentType?.split(';')[0]?.trim() === 'application/json';
  const text =
    data ?? (dataBase64 ? Buffer.from(dataBase64, 'base64').toString('utf8') : undefined);
  if (isJson && text) {
    try {
      JSON.parse(text);
    } catch {
      return [invalidValue(text, data ? 'data' : 'dataBase64', 'not valid JSON')];
    }
  }
  return [];
}
