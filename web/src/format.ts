import { isValidTimeZone, zonedParts, zonedToInstant } from '../../src/platform/time.ts';
import type { Lang } from './i18n.tsx';

const locale = (lang: Lang) => (lang === 'ko' ? 'ko-KR' : 'en-GB');

/** 110,000원 in Korean, ₩110,000 in English. */
export function won(n: number, lang: Lang): string {
  const digits = n.toLocaleString('ko-KR');
  return lang === 'ko' ? `${digits}원` : `₩${digits}`;
}

/** A date and time as seen in the event's time zone. */
export function dateTime(iso: string, timeZone: string, lang: Lang): string {
  return new Intl.DateTimeFormat(locale(lang), {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

export function shortDateTime(iso: string, timeZone: string | undefined, lang: Lang): string {
  return new Intl.DateTimeFormat(locale(lang), {
    timeZone,
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

/** mm:ss (or h:mm:ss) until `ms` runs out; 00:00 when past. */
export function countdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/**
 * A `datetime-local` value ("2026-12-24T19:30") read in `timeZone`, as ISO with that zone's offset
 * ("2026-12-24T19:30:00+09:00"). Undefined when the input is not a date-time. The zone arithmetic
 * is the server's own (src/platform/time.ts), so page and server agree across DST changes.
 */
export function localInputToIso(local: string, timeZone: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(local);
  if (!m) return undefined;
  const tz = isValidTimeZone(timeZone) ? timeZone : 'Asia/Seoul';
  const instant = zonedToInstant(m[1], m[2], tz);
  const offset = Math.round((Date.parse(`${m[1]}T${m[2]}:00Z`) - instant.getTime()) / 60_000);
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${m[1]}T${m[2]}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An instant as a `datetime-local` value in `timeZone`. */
export function isoToLocalInput(iso: string, timeZone: string): string {
  const p = zonedParts(new Date(iso), isValidTimeZone(timeZone) ? timeZone : 'Asia/Seoul');
  return `${p.date}T${p.time}`;
}

export { isValidTimeZone };
