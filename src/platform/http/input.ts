import type { FastifyRequest } from 'fastify';
import type { FieldError } from '../errors.ts';

/**
 * Text PostgreSQL cannot store (a NUL) or that is not Unicode at all (a lone UTF-16 surrogate, e.g.
 * a JSON "\ud800"): the database would fail on it with a 500 deep inside a use case, so every
 * request is checked here, once, before any route sees it.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function badText(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain a NUL character';
  if (LONE_SURROGATE.test(s)) return 'must be valid Unicode text (no lone surrogate)';
  return undefined;
}

/** Every string (and object key) in `value` that cannot be stored, named by its path. */
function badTextFields(value: unknown, path: string, out: FieldError[] = [], depth = 0): FieldError[] {
  if (out.length >= 20) return out;
  if (typeof value === 'string') {
    const message = badText(value);
    if (message) out.push({ path, message });
  } else if (ArrayBuffer.isView(value)) {
    // A raw body (the KKTIX webhook) is bytes its route reads itself.
  } else if (Array.isArray(value)) {
    // Deeper than any of our inputs goes; the schema refuses such junk anyway.
    if (depth > 32) return out;
    for (const [i, v] of value.entries()) badTextFields(v, `${path}.${i}`, out, depth + 1);
  } else if (value && typeof value === 'object') {
    if (depth > 32) return out;
    for (const [k, v] of Object.entries(value)) {
      const keyMessage = badText(k);
      if (keyMessage) out.push({ path, message: `field name ${keyMessage}` });
      else badTextFields(v, `${path}.${k}`, out, depth + 1);
    }
  }
  return out;
}

/** The preValidation step for every route: params, querystring and body, in that order. */
export function refuseBadText(req: FastifyRequest): FieldError[] {
  return [
    ...badTextFields(req.params, 'params'),
    ...badTextFields(req.query, 'querystring'),
    ...badTextFields(req.body, 'body'),
  ];
}
