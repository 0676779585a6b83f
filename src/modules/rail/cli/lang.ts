/**
 * The rail CLI's language: Korean, like the web, unless the locale says English (`LANG=en`,
 * `LANG=en_US.UTF-8`; LC_ALL and LC_MESSAGES first, as the C library reads them).
 */
export type CliLang = 'ko' | 'en';

export function cliLang(env: NodeJS.ProcessEnv = process.env): CliLang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^en([_.@-]|$)/i.test(locale) ? 'en' : 'ko';
}

/** The Korean or the English words, by the locale. */
export const t = (ko: string, en: string) => (cliLang() === 'en' ? en : ko);
