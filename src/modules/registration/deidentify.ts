import { createHmac } from 'node:crypto';
import type { Row } from '../../platform/csv.ts';

/**
 * De-identification for exports: keyed HMAC-SHA-256 pseudonyms for
 * e-mail addresses and phone numbers (joinable and countable, not reversible without the secret,
 * and no dictionary attack without it, unlike a plain SHA-256), masked names for display, dates kept.
 * Pseudonymised data is still personal data under the GDPR; this lowers the risk, it does not
 * remove the obligations.
 */

export type PseudonymKind = 'email' | 'phone' | 'id';

const MIN_SECRET_BYTES = 32;

/** E-mail for hashing: trimmed, lower-cased (the whole address; providers differ on local parts). */
export function normaliseEmail(email: string): string {
  return email.trim().normalize('NFKC').toLowerCase();
}

/**
 * Phone for hashing, in an E.164-like form `+<digits>`: separators dropped, `00` → `+`, and a
 * national number with a trunk `0` gets the default country calling code (886 Taiwan, 82 Korea…).
 * `0912-345-678` and `+886 912 345 678` become the same `+886912345678`. Returns undefined when
 * no digits are left.
 */
export function normalisePhone(phone: string, defaultCountryCode = '886'): string | undefined {
  const s = phone.trim().normalize('NFKC');
  let digits = s.replace(/\D/g, '');
  if (!digits) return undefined;
  if (s.startsWith('+')) return `+${digits}`;
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  if (digits.startsWith('0')) digits = digits.slice(1);
  else if (digits.startsWith(defaultCountryCode) && digits.length > 10) return `+${digits}`;
  return `+${defaultCountryCode}${digits}`;
}

/**
 * A keyed pseudonym: hex HMAC-SHA-256 over `kind` and the normalised value, so an e-mail and a
 * phone with the same text never collide. Empty values give undefined (a hash of "" would be a
 * recognisable constant).
 */
export function pseudonym(
  secret: string | Buffer,
  kind: PseudonymKind,
  value: string | null | undefined,
  opts: { defaultCountryCode?: string } = {},
): string | undefined {
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES)
    throw new Error(`the pseudonym secret must be at least ${MIN_SECRET_BYTES} bytes`);
  if (value == null) return undefined;
  const normal =
    kind === 'email'
      ? normaliseEmail(value)
      : kind === 'phone'
        ? normalisePhone(value, opts.defaultCountryCode)
        : value.trim();
  if (!normal) return undefined;
  return createHmac('sha256', secret).update(`${kind}\u0000${normal}`).digest('hex');
}

// Made at first use: ICU's break data is not loaded at start.
let segmenter: Intl.Segmenter | undefined;
const graphemes = (s: string) => {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(s), (x) => x.segment);
};

/** Scripts written without spaces between family and given name. */
const EAST_ASIAN = /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * Masks a person's name for display, whatever the script:
 * `王小明` → `王*明`, `김예약` → `김*약`, `王明` → `王*`, `歐陽小明` → `歐**明`,
 * `John Smith` → `J*** S****`, `Jean-Luc O'Neil` → `J***-L** O'N***`... Each word of a Latin
 * name keeps its first letter; a Chinese, Korean or Japanese word keeps its first and last
 * character (only the first when it is two long). Spaces and hyphens stay.
 */
export function maskName(name: string | null | undefined, mask = '*'): string {
  if (!name) return '';
  return name
    .trim()
    .normalize('NFC')
    .split(/(\s+|-)/u)
    .map((part) => {
      if (part === '' || /^\s+$/u.test(part) || part === '-') return part;
      return maskWord(part, mask);
    })
    .join('');
}

function maskWord(word: string, mask: string): string {
  const g = graphemes(word);
  if (EAST_ASIAN.test(word)) {
    if (g.length === 1) return g[0];
    if (g.length === 2) return g[0] + mask;
    return g[0] + mask.repeat(g.length - 2) + g[g.length - 1];
  }
  // Keep an apostrophe prefix like O' or D' readable: O'Neil → O'N***.
  const apos = /^([\p{L}]['’])(.+)$/u.exec(word);
  if (apos) return apos[1] + maskWord(apos[2], mask);
  return (
    g[0] +
    g
      .slice(1)
      .map((c) => (/[\p{L}\p{N}]/u.test(c) ? mask : c))
      .join('')
  );
}

/** `guest123@example.com` → `g*******@example.com`, for display only (not joinable). */
export function maskEmail(email: string | null | undefined, mask = '*'): string {
  if (!email) return '';
  const at = email.lastIndexOf('@');
  if (at <= 0) return mask.repeat(3);
  const local = graphemes(email.slice(0, at));
  return local[0] + mask.repeat(Math.max(1, local.length - 1)) + email.slice(at);
}

// ---------------------------------------------------------------------------------------------
// Attendees

/** The parts of a KKTIX attendee record the export reads (see sources/kktix.ts). */
export type AttendeeLike = {
  id: number | string;
  ticket_name?: string;
  state?: string;
  is_paid?: boolean;
  price?: number;
  currency?: string;
  payment_method?: string;
  order_no?: number;
  updated_at?: number;
  data?: [string, string][];
};

export type DeidentifyOptions = {
  secret: string | Buffer;
  /**
   * The event the rows belong to: attendee and order numbers are pseudonymised with a key derived
   * for this event, so they stay stable within the event and cannot be joined across events.
   */
  scope: string;
  defaultCountryCode?: string;
  /** time zone of `paid_date`, default Asia/Taipei (KKTIX's) */
  timeZone?: string;
  /** `paid_at` to the hour (default) or to the second */
  paidAt?: 'hour' | 'exact';
  /**
   * Form questions whose answers the organiser marked safe to export (exact question text); the
   * answers to all other questions are left out, since free text may name or locate a person.
   */
  safeQuestions?: readonly string[];
  /** form questions that hold a name, e-mail or phone, or that are dropped entirely */
  nameKeys?: RegExp;
  emailKeys?: RegExp;
  phoneKeys?: RegExp;
  dropKeys?: RegExp;
};

const NAME_KEYS = /姓名|名字|暱稱|이름|닉네임|name/i;
const EMAIL_KEYS = /e-?mail|電子郵件|이메일/i;
const PHONE_KEYS = /手機|電話|phone|mobile|휴대|전화/i;
const DROP_KEYS = /address|地址|住址|주소|身分證|id number|생년월일/i;

/** `YYYY-MM-DD` in a time zone. */
export function dateIn(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(epochMs);
}

/** The per-event pseudonym key: HMAC of the event id under the export secret. */
export function scopedKey(secret: string | Buffer, scope: string): Buffer {
  return createHmac('sha256', secret).update(`scope\u0000${scope}`).digest();
}

/** Whether a form question is a contact field (e-mail, phone, contact name) or dropped outright. */
export function questionKind(
  question: string,
  opts: Pick<DeidentifyOptions, 'nameKeys' | 'emailKeys' | 'phoneKeys' | 'dropKeys'> = {},
): 'drop' | 'email' | 'phone' | 'contact' | 'name' | 'answer' {
  if ((opts.dropKeys ?? DROP_KEYS).test(question)) return 'drop';
  if ((opts.emailKeys ?? EMAIL_KEYS).test(question)) return 'email';
  if ((opts.phoneKeys ?? PHONE_KEYS).test(question)) return 'phone';
  if ((opts.nameKeys ?? NAME_KEYS).test(question))
    return /聯絡人|contact/i.test(question) ? 'contact' : 'name';
  return 'answer';
}

/**
 * One export row for an attendee, with no direct identifier: attendee and order numbers as
 * per-event keyed pseudonyms, e-mail and phone as keyed pseudonyms (joinable across events, for
 * counting returning people), the contact name masked, the paid time to the hour unless asked
 * otherwise, addresses dropped, and answers only to the questions marked safe (names among them
 * masked).
 */
export function deidentifyAttendee(a: AttendeeLike, opts: DeidentifyOptions): Row {
  const cc = opts.defaultCountryCode;
  const key = scopedKey(opts.secret, opts.scope);
  const paidMs = a.updated_at == null ? undefined : a.updated_at * 1000;
  const hour = 3_600_000;
  const row: Row = {
    attendee_id: pseudonym(key, 'id', String(a.id)),
    order_no: a.order_no == null ? undefined : pseudonym(key, 'id', `order:${a.order_no}`),
    ticket_name: a.ticket_name,
    state: a.state,
    is_paid: a.is_paid,
    price: a.price,
    currency: a.currency,
    payment_method: a.payment_method,
    paid_at:
      paidMs === undefined
        ? undefined
        : new Date(opts.paidAt === 'exact' ? paidMs : Math.floor(paidMs / hour) * hour).toISOString(),
    paid_date: paidMs === undefined ? undefined : dateIn(paidMs, opts.timeZone ?? 'Asia/Taipei'),
    name_masked: undefined,
    email_pseudonym: undefined,
    phone_pseudonym: undefined,
  };
  const safe = new Set(opts.safeQuestions ?? []);
  for (const [question, value] of a.data ?? []) {
    const kind = questionKind(question, opts);
    if (kind === 'email') row.email_pseudonym ??= pseudonym(opts.secret, 'email', value);
    else if (kind === 'phone')
      row.phone_pseudonym ??= pseudonym(opts.secret, 'phone', value, { defaultCountryCode: cc });
    else if (kind === 'contact') row.name_masked ??= maskName(value);
    else if (kind !== 'drop' && safe.has(question))
      row[`answer:${question}`] = kind === 'name' ? maskName(value) : value;
  }
  return row;
}
