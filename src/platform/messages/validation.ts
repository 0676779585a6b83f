/**
 * A schema (zod) issue as a catalog code: `validation.*` with the field's name as `{field}` (the
 * reader sees the field's label, never its path) and the limits as parameters. A schema's own message
 * that is a code (zodCode) or exactly a code's English text keeps that code.
 */
import { type Code, codeOfEnglish, isCode, render } from './index.ts';

export type Issue = { keyword: string; message?: string; params?: Record<string, unknown> };
export type CodedIssue = { key: Code; params: Record<string, string | number> };

/** The field a path names: its last segment that is not an index (`body.showtimes.0.startsAt` → startsAt). */
export function fieldName(path: string): string {
  const segments = path.split('.').filter((s) => s && !/^\d+$/.test(s));
  return segments[segments.length - 1] ?? path;
}

const num = (v: unknown) => (typeof v === 'number' || typeof v === 'bigint' ? Number(v) : undefined);

function byKeyword(issue: Issue): { key: Code; params?: Record<string, string | number> } {
  const p = issue.params ?? {};
  switch (issue.keyword) {
    case 'invalid_type': {
      if (p.input === undefined) return { key: 'validation.required' };
      if (p.expected === 'number' || p.expected === 'int') return { key: 'validation.number' };
      if (p.expected === 'string') return { key: 'validation.text' };
      if (p.expected === 'boolean') return { key: 'validation.boolean' };
      if (p.expected === 'array') return { key: 'validation.list' };
      return { key: 'validation.invalid' };
    }
    case 'too_small': {
      const min = num(p.minimum) ?? 0;
      if (p.origin === 'string')
        return min <= 1 ? { key: 'validation.required' } : { key: 'validation.min_length', params: { min } };
      if (p.origin === 'array' || p.origin === 'set') return { key: 'validation.min_items', params: { min } };
      return p.inclusive === false
        ? { key: 'validation.above', params: { min } }
        : { key: 'validation.min', params: { min } };
    }
    case 'too_big': {
      const max = num(p.maximum) ?? 0;
      if (p.origin === 'string') return { key: 'validation.max_length', params: { max } };
      if (p.origin === 'array' || p.origin === 'set') return { key: 'validation.max_items', params: { max } };
      return p.inclusive === false
        ? { key: 'validation.below', params: { max } }
        : { key: 'validation.max', params: { max } };
    }
    case 'invalid_format': {
      switch (p.format) {
        case 'uuid':
        case 'guid':
          return { key: 'validation.uuid' };
        case 'url':
          return { key: 'validation.url' };
        case 'email':
          return { key: 'validation.email' };
        case 'datetime':
          return { key: 'validation.datetime' };
        case 'date':
          return { key: 'validation.date' };
        case 'time':
          return { key: 'validation.time' };
        default:
          return { key: 'validation.format' };
      }
    }
    case 'not_multiple_of':
      return { key: 'validation.integer' };
    case 'invalid_value': {
      const values = Array.isArray(p.values) ? p.values.map(String).join(', ') : '';
      return { key: 'validation.one_of', params: { values } };
    }
    case 'unrecognized_keys':
      return { key: 'validation.unknown_field' };
    default:
      return { key: 'validation.invalid' };
  }
}

/**
 * The code and parameters of one schema issue at `path`. The English text API clients read stays
 * the schema's own (a schema message that is a code becomes that code's English text: codeText).
 */
export function codeIssue(path: string, issue: Issue): CodedIssue {
  const field = fieldName(path);
  const own = issue.message && (isCode(issue.message) ? issue.message : codeOfEnglish(issue.message));
  if (own) return { key: own, params: { field } };
  const { key, params } = byKeyword(issue);
  return { key, params: { ...params, field } };
}

/** A schema message as English text: a code's text, or the message itself. */
export const codeText = (message: string) => (isCode(message) ? render(message, undefined, 'en') : message);

/** A field error for a zod issue met outside a route's schema (settings, use cases that parse). */
export function zodFieldError(
  path: string,
  issue: { code: string; message: string },
): { path: string; message: string; key: Code; params: Record<string, string | number> } {
  const {
    code,
    message,
    path: _path,
    ...params
  } = issue as { code: string; message: string; path?: unknown };
  return { path, message: codeText(message), ...codeIssue(path, { keyword: code, message, params }) };
}
