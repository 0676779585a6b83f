/** Korean time helpers for rail: operators speak YYYYMMDD and HHmmss in KST (no daylight saving). */

const KST_MS = 9 * 3_600_000;

export const kstDate = (ms = Date.now()) =>
  new Date(ms + KST_MS).toISOString().slice(0, 10).replaceAll('-', '');
export const kstTime = (ms = Date.now()) =>
  new Date(ms + KST_MS).toISOString().slice(11, 19).replaceAll(':', '');

/** Epoch ms of YYYYMMDD + HHmmss in KST. */
export function kstEpoch(date: string, time = '000000'): number {
  return (
    Date.UTC(
      Number(date.slice(0, 4)),
      Number(date.slice(4, 6)) - 1,
      Number(date.slice(6, 8)),
      Number(time.slice(0, 2)),
      Number(time.slice(2, 4)),
      Number(time.slice(4, 6) || '0'),
    ) - KST_MS
  );
}

export const addDays = (date: string, days: number) => kstDate(kstEpoch(date) + days * 86_400_000);

/** "2026-03-01" or "20260301" → "20260301"; undefined when it is not a real date. */
export function normalizeDate(v: string): string | undefined {
  const d = v.replaceAll('-', '');
  if (!/^\d{8}$/.test(d)) return undefined;
  return kstDate(kstEpoch(d)) === d ? d : undefined;
}

/** "7", "07:30", "0730", "07:30:00", "073000" → "073000"; undefined when invalid. */
export function normalizeTime(v: string): string | undefined {
  const t = v.replaceAll(':', '');
  const full = /^\d{1,2}$/.test(t) ? `${t.padStart(2, '0')}0000` : t.length === 4 ? `${t}00` : t;
  if (!/^\d{6}$/.test(full)) return undefined;
  const [h, m, s] = [full.slice(0, 2), full.slice(2, 4), full.slice(4, 6)].map(Number);
  return h < 24 && m < 60 && s < 60 ? full : undefined;
}

/** "20260301" + "183000" → "2026-03-01T18:30:00+09:00". */
export const kstIso = (date: string, time: string) =>
  `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6)}+09:00`;

export const hhmm = (time: string) => `${time.slice(0, 2)}:${time.slice(2, 4)}`;
export const ymd = (date: string) => `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`;

/** "2026-11-23 18:30" in Korean time. */
export const kstClock = (d: Date) =>
  `${kstDate(d.getTime()).replace(/(\d{4})(\d{2})(\d{2})/, '$1-$2-$3')} ${kstTime(d.getTime()).slice(0, 2)}:${kstTime(d.getTime()).slice(2, 4)}`;
