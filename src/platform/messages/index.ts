/**
 * Messages a person reads (errors, notices, mail lines) are named by a stable code with parameters;
 * the catalog holds each code's text in Korean and English (Chinese where a page has it). The server
 * answers with the code and its English text; the web, mails and the CLI render the code in the
 * reader's language from the same catalog. Kept free of Node imports: the web bundles this file.
 */
import { catalog } from './catalog/index.ts';

export type Lang = 'ko' | 'en' | 'zh-TW';
export type Texts = { ko: string; en: string; 'zh-TW'?: string };
export { catalog };
export type Code = keyof typeof catalog;

/** The `{name}` placeholders of a text, as a union of names. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? P | Placeholders<Rest>
  : never;
export type ParamValue = string | number;
/** A code's parameters: the placeholders of its English text. */
export type ParamsOf<C extends Code> = { [K in Placeholders<(typeof catalog)[C]['en']>]: ParamValue };
type ParamArgs<C extends Code> = [Placeholders<(typeof catalog)[C]['en']>] extends [never]
  ? []
  : [ParamsOf<C>];

/** A message as it travels: its code, its parameters and its English text. */
export type Msg = { key: Code; params?: Record<string, ParamValue>; text: string };

export function isCode(key: unknown): key is Code {
  return typeof key === 'string' && Object.hasOwn(catalog, key);
}

function fill(
  template: string,
  params: Record<string, ParamValue> | undefined,
  lang: Lang,
  prefix = '',
): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params?.[name];
    if (v === undefined) return whole;
    // A field's name is shown by its label where the catalog has one (`field.<name>`).
    if (name === 'field' && typeof v === 'string') {
      const label = `field.${v}`;
      if (isCode(label)) return textOf(label, lang);
    }
    // A value that is a word of the code's module (a state, a provider) is shown in the reader's
    // language where the catalog names it: `<module>.<param>.<value>`, e.g. `rail.status.held`.
    if (typeof v === 'string' && prefix) {
      const label = `${prefix}.${name}.${v}`;
      if (isCode(label)) return textOf(label, lang);
    }
    return typeof v === 'number' ? v.toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-US') : v;
  });
}

function textOf(key: Code, lang: Lang): string {
  const t: Texts = catalog[key];
  return (lang === 'zh-TW' ? (t['zh-TW'] ?? t.en) : t[lang]) ?? t.en;
}

/** A code's text in `lang`, its placeholders filled. */
export function render(key: Code, params: Record<string, ParamValue> | undefined, lang: Lang): string {
  return fill(textOf(key, lang), params, lang, key.slice(0, key.indexOf('.')));
}

/** A message by code, with its English text for logs and API clients. `tsc` refuses unknown codes. */
export function msg<C extends Code>(key: C, ...params: ParamArgs<C>): Msg {
  const p = params[0] as Record<string, ParamValue> | undefined;
  return p ? { key, params: p, text: render(key, p, 'en') } : { key, text: render(key, undefined, 'en') };
}

/**
 * A code for a zod schema's own message: the string is the code, and the HTTP layer turns it into
 * the code and its English text (see fieldErrors in http/app.ts). Only codes without parameters.
 */
export const zodCode = <C extends Code>(key: ParamArgs<C> extends [] ? C : never): string => key;

let byEnglish: Map<string, Code> | undefined;
/** The code whose English text (without parameters) is exactly `text`: for messages still written as text. */
export function codeOfEnglish(text: string): Code | undefined {
  if (!byEnglish) {
    byEnglish = new Map();
    for (const key of Object.keys(catalog) as Code[]) {
      const en = catalog[key].en;
      if (!en.includes('{') && !byEnglish.has(en)) byEnglish.set(en, key);
    }
  }
  return byEnglish.get(text);
}

/** The language a reader asked for, Korean unless English or Chinese is named. */
export function langOf(value: string | null | undefined): Lang {
  if (!value) return 'ko';
  const v = value.toLowerCase();
  if (v.startsWith('en')) return 'en';
  if (v.startsWith('zh')) return 'zh-TW';
  return 'ko';
}
