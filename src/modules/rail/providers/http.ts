/**
 * Small pieces both adapters share: a cookie jar, form encoding, KST times, reading operator rows.
 * Sending, pacing and timeouts are the platform client's (src/platform/net/http.ts).
 */
import { safeJson } from '../../../platform/net/http.ts';

/** One jar per adapter instance, so two accounts never share a session. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  clear(): void {
    this.cookies.clear();
  }
}

export function formBody(fields: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) p.append(k, String(v));
  return p.toString();
}

/** "20260301" + "121000" → "2026-03-01T12:10:00+09:00" (Korea has no daylight saving). */
export function kstIso(date: string, time: string): string | undefined {
  if (!/^\d{8}$/.test(date) || !/^\d{6}$/.test(time)) return undefined;
  return `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6)}+09:00`;
}

/** Today's date in Korea as YYYYMMDD. */
export function kstToday(now = Date.now()): string {
  return new Date(now + 9 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
}

/** A JSON object, or undefined for anything else (operators answer HTML error pages too). */
export function parseJson(text: string): Record<string, unknown> | undefined {
  const v = safeJson(text);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
export const num = (v: unknown): number => {
  const n = Number(
    String(v ?? '')
      .replaceAll(',', '')
      .trim(),
  );
  return Number.isFinite(n) ? n : 0;
};

/** Turns any object's values into strings (operator rows mix numbers and strings). */
export function row(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out[k] = str(x);
  return out;
}

export const asArray = (v: unknown): unknown[] =>
  Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
