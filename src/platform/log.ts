import pino from 'pino';
import { dbErrorForLog } from './db.ts';

/**
 * Log hygiene for errors. Drizzle's error message is "Failed query: <sql>\nparams: <values>", and the
 * drivers attach the values too; those values are password hashes and sealed secrets. Every `err`
 * logged anywhere goes through this serializer; other fields get the params cut off their text.
 */
export function logSafeError(err: unknown): unknown {
  const db = dbErrorForLog(err);
  if (!db) return pino.stdSerializers.err(err as Error);
  const stack = err instanceof Error ? (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)) : [];
  return { ...db, stack: [`${db.type}: ${db.message}`, ...stack.slice(0, 10)].join('\n') };
}

const PARAMS = /\nparams: [\s\S]*$/;

/** Log fields that carry an error's text as a plain string (e.g. `{err: error.message}`). */
export function scrubQueryParams(obj: Record<string, unknown>): Record<string, unknown> {
  let out = obj;
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string' && v.startsWith('Failed query:') && PARAMS.test(v)) {
      if (out === obj) out = { ...obj };
      out[k] = v.replace(PARAMS, '');
    }
  }
  return out;
}
