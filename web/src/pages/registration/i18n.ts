import { useSyncExternalStore } from 'react';
import { useI18n, type Words } from '../../i18n.tsx';
import { ko } from './i18n.ko.ts';
import { zh } from './i18n.zh.ts';

/**
 * The registration pages speak Korean, English and Traditional Chinese (KKTIX organisers are in
 * Taiwan). They follow the app's one language switch, which offers 中文 on these pages
 * (useRegZh); choosing KO or EN there leaves 中文.
 */
export type RegLang = 'ko' | 'en' | 'zh-TW';

const en = {
  title: 'Registration automation',
  subtitle: 'KKTIX or yeyak ticket sales → online venue access, welcome mail, Discord announcements',
  new: 'Connect a registration',
  empty: 'No registrations connected yet.',
  slug: 'Slug (for /event in Discord)',
  name: 'Name',
  source: 'Source',
  'source.kktix': 'KKTIX (polling + webhook)',
  'source.tickets': 'yeyak tickets (events)',
  kktixBase: 'KKTIX API base URL',
  kktixEvent: 'KKTIX event id',
  kktixToken: 'KKTIX organiser token',
  ticketsEvent: 'yeyak event',
  keepSecret: 'saved — leave empty to keep',
  poll: 'Poll interval (minutes)',
  startsAt: 'Event starts (polling stops after)',
  venueLink: 'Online venue link',
  backfill: 'Also act on people already registered at the first sync',
  actions: 'Actions for each new attendee',
  gather: 'Gather guest list',
  gatherSpace: 'Gather space id',
  gatherKey: 'Gather API key',
  gatherBase: 'Gather API URL (optional)',
  gatherRemoval: 'Remove refunded guests (rewrites the whole list)',
  mail: 'Welcome e-mail',
  mailSubject: 'Subject (Liquid template)',
  mailTemplate: 'Body (Liquid template, HTML)',
  mailTemplateHint:
    'Liquid: {{ name }} shows a value; {% if venueLink %}…{% endif %} shows a part only when it is set (also unless, case, comment, raw). Variables: name, email, eventName, slug, ticketName, quantity, venueLink, date. Filters: upcase, downcase, capitalize, default, truncate, replace, append, prepend, strip … No loops, no includes.',
  mailNeedsAttention:
    'This welcome mail was written for the old template engine and contains code, which is no longer run. No welcome mail is sent until you rewrite it with Liquid variables such as {{ name }} and save.',
  discord: 'Discord announcement (masked name, ticket type, running total)',
  discordHook: 'Discord webhook URL',
  discordGuild: 'Discord server id for the /event bot',
  discordGuildHint:
    'Only this server can ask the bot about this event (Discord: right-click the server → Copy Server ID). Empty: no server.',
  notSet: 'not set',
  bqSection: 'BigQuery',
  bq: 'Export de-identified rows to BigQuery (load job)',
  bqProject: 'Google Cloud project id',
  bqDataset: 'Dataset',
  bqTable: 'Table',
  bqLocation: 'Location (optional, e.g. asia-east1)',
  bqEndpoint: 'API endpoint',
  bqEndpointHint: 'optional: an emulator; empty means Google',
  bqCredentials:
    "Signs in with the server's Google credentials (Application Default Credentials); no key is stored here. Each load replaces the table.",
  bqNotSet: 'Not set up: fill in the BigQuery fields in the connection settings below.',
  bqTarget: 'Target table',
  bqLoading: 'Loading…',
  admission: 'Registration number (running total when recorded)',
  webhookHint: 'KKTIX calls HTTPS addresses only; each delivery triggers a sync right away.',
  save: 'Save',
  saved: 'Saved.',
  open: 'Open',
  sync: 'Sync status',
  syncNow: 'Sync now',
  lastSync: 'Last poll',
  lastOk: 'Last success',
  nextSync: 'Next poll',
  lastError: 'Last error',
  never: 'never',
  webhook: 'KKTIX webhook URL',
  runs: 'Recent syncs',
  trigger: 'Trigger',
  added: 'New',
  changed: 'Changed',
  refunded: 'Refunded',
  requests: 'Requests',
  total: 'Total',
  status: 'Ticket types',
  sold: 'Sold',
  quota: 'Total',
  unlimited: 'unlimited',
  attendees: 'Attendees (raw data: every view is logged)',
  attendee: 'Attendee',
  email: 'E-mail',
  ticket: 'Ticket',
  paidAt: 'Paid',
  state: 'Actions',
  retry: 'Retry',
  active: 'active',
  refundedState: 'refunded',
  sales: 'Sales by day and ticket type',
  day: 'Day',
  export: 'Export',
  csv: 'De-identified CSV',
  ndjson: 'De-identified NDJSON',
  rawCsv: 'Raw CSV (audited)',
  bigquery: 'Load into BigQuery',
  loaded: 'Loaded {n} rows into {table} (job {job}).',
  settings: 'Connection settings',
  noSales: 'No sales yet.',
  'action.gather': 'Gather',
  'action.mail': 'Mail',
  'action.discord': 'Discord',
  'actionStatus.pending': 'waiting',
  'actionStatus.running': 'running',
  'actionStatus.done': 'done',
  'actionStatus.failed': 'failed',
  'actionStatus.skipped': 'skipped',
  'action.gather_remove': 'Gather removal',
  back: 'All registrations',
  pickEvent: 'Choose an event…',
  noEventsToPick: 'You have no yeyak events yet: create one under Manage events first.',
  testNow: 'Test now',
  testing: 'Testing…',
  'check.ok': 'KKTIX connection tested {at}',
  'check.untested':
    'Not tested: KKTIX could not be reached ({message}). The settings are saved; test again when KKTIX is back.',
  privacy: 'De-identified export',
  exactPaidAt: 'Keep the exact payment time (otherwise to the hour)',
  safeQuestions: 'Answers safe to export (free text is left out unless ticked)',
  noQuestions: 'No form questions yet (they appear after the first sync).',
  bqColumns: 'Column names in BigQuery',
  bqColumn: 'BigQuery column',
  bqSource: 'Export column',
} as const;

export type RegKey = keyof typeof en;

const dictionaries: Record<RegLang, Record<RegKey, string>> = { en, ko, 'zh-TW': zh };
const KEY = 'yeyak.registration.lang';

const listeners = new Set<() => void>();
let override: RegLang | null = localStorage.getItem(KEY) === 'zh-TW' ? 'zh-TW' : null;
const subscribe = (fn: () => void) => {
  listeners.add(fn);
  return () => listeners.delete(fn);
};

export function useRegI18n() {
  const { lang: appLang, setLang: setAppLang } = useI18n();
  const picked = useSyncExternalStore(subscribe, () => override);
  const lang: RegLang = picked ?? appLang;
  const setLang = (l: RegLang) => {
    override = l === 'zh-TW' ? l : null;
    if (override) localStorage.setItem(KEY, override);
    else {
      localStorage.removeItem(KEY);
      setAppLang(l as 'ko' | 'en');
    }
    for (const fn of listeners) fn();
  };
  const t = (key: RegKey, vars?: Record<string, string | number>) => {
    let s = dictionaries[lang][key] ?? en[key];
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };
  return { lang, setLang, t };
}

/** 中文 on the registration pages, for the app header's language switch. */
export function useRegZh() {
  const active = useSyncExternalStore(subscribe, () => override) === 'zh-TW';
  const set = (on: boolean) => {
    override = on ? 'zh-TW' : null;
    if (override) localStorage.setItem(KEY, override);
    else localStorage.removeItem(KEY);
    for (const fn of listeners) fn();
  };
  return { active, set };
}

/** A server time as the chosen language writes it (null stays null: the page says "never"). */
export const when = (iso: string | null, lang: RegLang) =>
  iso ? new Date(iso).toLocaleString(lang === 'zh-TW' ? 'zh-TW' : lang === 'ko' ? 'ko-KR' : 'en-GB') : null;
/** The words the app's shell shows for registration: its link in the top bar. */
export const registrationShellWords: Words<'nav.registration'> = {
  ko: { 'nav.registration': '등록 자동화' },
  en: { 'nav.registration': 'Registration' },
};

declare module '../../i18n.tsx' {
  interface ModuleKeys {
    registration: 'nav.registration';
  }
}
