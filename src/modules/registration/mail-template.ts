import { createRequire } from 'node:module';
import type { FS, Liquid, LiquidError } from 'liquidjs';

// liquidjs is loaded when an organiser's template is first checked or rendered, not at start; its
// CommonJS build is required, so rendering stays synchronous.
type LiquidJs = typeof import('liquidjs');
let liquidjs: LiquidJs | undefined;
const loadLiquid = (): LiquidJs => {
  liquidjs ??= createRequire(import.meta.url)('liquidjs') as LiquidJs;
  return liquidjs;
};

/**
 * The welcome mail an organiser writes is data, never code: it is a LiquidJS template in strict mode
 * with no file system, only branching tags, an allow-list of string filters and a plain, null-prototype
 * object holding only the variables below. Anything else is refused with the line and column.
 */

/** The variables a welcome mail may use (the page's help lists the same). */
const MAIL_VARIABLES = [
  'name',
  'email',
  'eventName',
  'slug',
  'ticketName',
  'quantity',
  'venueLink',
  'date',
] as const;
type MailVariable = (typeof MAIL_VARIABLES)[number];
export type MailData = Record<MailVariable, string | number>;

export const DEFAULT_SUBJECT = '[{{ eventName }}] Welcome, {{ name }}';
export const DEFAULT_TEMPLATE = `<p>Hello {{ name }},</p>
<p>You are registered for <b>{{ eventName }}</b> ({{ ticketName }}).</p>
{% if date %}<p>Date: {{ date }}</p>{% endif %}
{% if venueLink %}<p>Join the online venue: <a href="{{ venueLink }}">{{ venueLink }}</a></p>{% endif %}
<p>안녕하세요 · 您好 · See you there!</p>`;

/** The same defaults in Korean: an event still on the defaults writes in its organiser's language. */
export const DEFAULT_SUBJECT_KO = '[{{ eventName }}] {{ name }}님, 환영합니다';
export const DEFAULT_TEMPLATE_KO = `<p>{{ name }}님, 안녕하세요.</p>
<p><b>{{ eventName }}</b> ({{ ticketName }}) 참가 등록이 완료되었습니다.</p>
{% if date %}<p>일시: {{ date }}</p>{% endif %}
{% if venueLink %}<p>온라인 행사장: <a href="{{ venueLink }}">{{ venueLink }}</a></p>{% endif %}
<p>그날 뵙겠습니다!</p>`;

/**
 * The templates in the organiser's language when they are still the shipped defaults (an
 * organiser's own words are sent as written): attendees have no account, so the organiser's
 * language (Korean unless they chose English) is the mail's.
 */
export function defaultsIn(t: MailTemplates, lang: 'ko' | 'en' | 'zh-TW'): MailTemplates {
  if (lang !== 'ko') return t;
  return {
    ...t,
    subject: t.subject === DEFAULT_SUBJECT ? DEFAULT_SUBJECT_KO : t.subject,
    template: t.template === DEFAULT_TEMPLATE ? DEFAULT_TEMPLATE_KO : t.template,
  };
}

/** The defaults shipped before Liquid: saved events still carry them verbatim. */
const OLD_ETA_SUBJECT = '[<%= it.eventName %>] Welcome, <%= it.name %>';
const OLD_ETA_TEMPLATE = `<p>Hello <%= it.name %>,</p>
<p>You are registered for <b><%= it.eventName %></b> (<%= it.ticketName %>).</p>
<% if (it.date) { %><p>Date: <%= it.date %></p><% } %>
<% if (it.venueLink) { %><p>Join the online venue: <a href="<%= it.venueLink %>"><%= it.venueLink %></a></p><% } %>
<p>안녕하세요 · 您好 · See you there!</p>`;

// Branching and comments only: no include/render/layout (files), no loops, no assignments.
const ALLOWED_TAGS = new Set(['if', 'unless', 'case', 'comment', 'raw', '#']);
const ALLOWED_FILTERS = new Set([
  'append',
  'prepend',
  'capitalize',
  'downcase',
  'upcase',
  'strip',
  'lstrip',
  'rstrip',
  'strip_newlines',
  'strip_html',
  'newline_to_br',
  'escape',
  'escape_once',
  'url_encode',
  'replace',
  'replace_first',
  'remove',
  'remove_first',
  'truncate',
  'truncatewords',
  'default',
  'size',
]);

const MAX_TEMPLATE = 50_000;

function engine(html: boolean): Liquid {
  const liquid = new (loadLiquid().Liquid)({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    // empty text and 0 are false, as organisers expect from `{% if venueLink %}`
    jsTruthy: true,
    cache: false,
    globals: Object.create(null),
    root: [],
    partials: [],
    layouts: [],
    relativeReference: false,
    dynamicPartials: false,
    fs: noFiles,
    outputEscape: html ? 'escape' : undefined,
    parseLimit: MAX_TEMPLATE,
    renderLimit: 200,
    memoryLimit: 1_000_000,
  });
  for (const name of Object.keys(liquid.tags)) if (!ALLOWED_TAGS.has(name)) delete liquid.tags[name];
  for (const name of Object.keys(liquid.filters)) if (!ALLOWED_FILTERS.has(name)) delete liquid.filters[name];
  return liquid;
}

const refuse = (): never => {
  throw new Error('templates cannot read files');
};
/** A file system that has no files: a second lock behind the removed include/render/layout tags. */
const noFiles: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async () => refuse(),
  readFileSync: () => refuse(),
  resolve: () => refuse(),
  contains: async () => false,
  sep: '/',
};

let engines: { html: Liquid; text: Liquid } | undefined;

/** A template that cannot be parsed or rendered; the message names the line and column, never a value. */
export class TemplateError extends Error {}

function describe(err: unknown): TemplateError {
  const { LiquidError: LiquidErrorClass } = loadLiquid();
  if (!(err instanceof LiquidErrorClass) && !LiquidErrorClass.is(err))
    return new TemplateError('cannot be rendered');
  const e = err as LiquidError;
  // The library's message ends with its own ", line:3, col:5"; the cause comes first.
  const raw = (e.originalError?.message ?? e.message).replace(/, line:\d+, col:\d+$/, '').split('\n')[0];
  const rules: [RegExp, (name: string) => string][] = [
    [/^undefined variable: (.+)$/, (n) => `unknown variable '${n}'`],
    [/^undefined filter: (.+)$/, (n) => `filter '${n}' is not allowed`],
    [/^tag "?([^"\s]+)"? not found$/, (n) => `tag '${n}' is not allowed`],
    [/(limit) exceeded/i, () => 'the template is too large or takes too long'],
  ];
  let why = raw;
  for (const [re, say] of rules) {
    const m = raw.match(re);
    if (m) {
      why = say(m[1]);
      break;
    }
  }
  const pos = e.token?.getPosition?.();
  return new TemplateError(pos ? `line ${pos[0]}, column ${pos[1]}: ${why}` : why);
}

/** Only the allowed variables, on an object with no prototype to walk. */
function scope(data: MailData): Record<string, string | number> {
  const out: Record<string, string | number> = Object.create(null);
  for (const k of MAIL_VARIABLES) {
    const v = data[k];
    out[k] = typeof v === 'number' ? v : String(v ?? '');
  }
  return out;
}

export function renderMailTemplate(source: string, data: MailData, kind: 'html' | 'text'): string {
  engines ??= { html: engine(true), text: engine(false) };
  const liquid = engines[kind];
  try {
    if (source.length > MAX_TEMPLATE) throw new TemplateError('the template is too large');
    return liquid.parseAndRenderSync(source, scope(data));
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    throw describe(err);
  }
}

export const SAMPLE_MAIL_DATA: MailData = {
  name: 'Name',
  email: 'a@b.c',
  eventName: 'Event',
  slug: 'slug',
  ticketName: 'Ticket',
  quantity: 1,
  venueLink: 'https://example.org',
  date: '2026-01-01 10:00',
};

/** Throws a TemplateError when the template does not render with sample data (and again with empty values). */
function checkMailTemplate(source: string, kind: 'html' | 'text') {
  renderMailTemplate(source, SAMPLE_MAIL_DATA, kind);
  renderMailTemplate(
    source,
    { ...SAMPLE_MAIL_DATA, name: '', venueLink: '', date: '', email: '', quantity: 0 },
    kind,
  );
}

// ------------------------------------------------------------------ templates saved before Liquid

const VAR = MAIL_VARIABLES.join('|');
const ETA_TAG = /<%([-_]?)([\s\S]*?)([-_]?)%>/g;
const ETA_OUTPUT = new RegExp(`^[=~]\\s*it\\.(${VAR})\\s*$`);
const ETA_IF = new RegExp(`^\\s*if\\s*\\(\\s*it\\.(${VAR})\\s*\\)\\s*\\{\\s*$`);
const ETA_ELSE = /^\s*\}\s*else\s*\{\s*$/;
const ETA_END = /^\s*\}\s*$/;

/** Literal text in Liquid: braces that would open a tag are kept inside a raw block. */
const literal = (text: string) => (/\{[{%]/.test(text) ? `{% raw %}${text}{% endraw %}` : text);

/**
 * Eta saved before the switch: variable output and `if (it.x) { … } else { … }` become Liquid; any
 * other code is not converted (and so never runs): null, and the caller flags the template.
 */
export function etaToLiquid(source: string): string | null {
  if (source === OLD_ETA_TEMPLATE) return DEFAULT_TEMPLATE;
  if (source === OLD_ETA_SUBJECT) return DEFAULT_SUBJECT;
  let out = '';
  let last = 0;
  let depth = 0;
  for (const m of source.matchAll(ETA_TAG)) {
    out += literal(source.slice(last, m.index));
    last = (m.index ?? 0) + m[0].length;
    const body = m[2];
    const output = body.match(ETA_OUTPUT);
    const cond = body.match(ETA_IF);
    if (output) out += `{{ ${output[1]} }}`;
    else if (cond) {
      out += `{% if ${cond[1]} %}`;
      depth++;
    } else if (ETA_ELSE.test(body) && depth > 0) out += '{% else %}';
    else if (ETA_END.test(body) && depth > 0) {
      out += '{% endif %}';
      depth--;
    } else return null;
  }
  if (depth !== 0) return null;
  out += literal(source.slice(last));
  return out;
}

export type StoredMail = { enabled: boolean; subject?: string; template?: string; engine?: 'liquid' };
export type MailTemplates = {
  subject: string;
  template: string;
  /** why this saved template is not used: Eta code that is no longer run */
  needsAttention?: string;
};

const looksLikeEta = (s: string) => /<%[\s\S]*%>/.test(s);

/** The Liquid subject and body of saved settings, converting Eta saved before the switch. */
export function mailTemplatesOf(mail: StoredMail | undefined): MailTemplates {
  const subject = mail?.subject || DEFAULT_SUBJECT;
  const template = mail?.template || DEFAULT_TEMPLATE;
  if (mail?.engine === 'liquid') return { subject, template };
  const s = looksLikeEta(subject) ? etaToLiquid(subject) : subject;
  const t = looksLikeEta(template) ? etaToLiquid(template) : template;
  if (s !== null && t !== null) return { subject: s, template: t };
  return {
    subject: s ?? subject,
    template: t ?? template,
    needsAttention:
      'this mail was written for the old template engine and contains code, which is no longer run; rewrite it with Liquid variables such as {{ name }}. Until then no welcome mail is sent.',
  };
}

/**
 * A template as an organiser saves it: Liquid, or variable-only Eta (converted). Eta with code is
 * refused, so nothing saved can run.
 */
export function liquidForSave(source: string, kind: 'html' | 'text'): string {
  let liquid = source;
  if (looksLikeEta(source)) {
    const converted = etaToLiquid(source);
    if (converted === null) {
      const at = source.slice(0, source.indexOf('<%')).split('\n');
      throw new TemplateError(
        `line ${at.length}, column ${at[at.length - 1].length + 1}: '<% … %>' code is not supported; use Liquid, e.g. {{ name }} or {% if date %}…{% endif %}`,
      );
    }
    liquid = converted;
  }
  checkMailTemplate(liquid, kind);
  return liquid;
}
