import type { useI18n } from '../../../i18n.tsx';

type T = ReturnType<typeof useI18n>['t'];

export const pts = (n: number, lang: string) => n.toLocaleString(lang === 'en' ? 'en-GB' : 'ko-KR');

/** 750 → "12분 30초" / "12 min 30 s". */
export const duration = (t: T, seconds: number) =>
  t('consult.call.duration', { m: Math.floor(seconds / 60), s: seconds % 60 });

/** 01012345678 → 010-1234-5678 (other shapes as they are). */
export function phoneShown(phone: string): string {
  const d = phone.replace(/\D/g, '');
  if (/^01\d{8,9}$/.test(d)) return `${d.slice(0, 3)}-${d.slice(3, d.length - 4)}-${d.slice(-4)}`;
  return phone;
}
