import { invalidField, type Message } from '../../../platform/errors.ts';
import { msg } from '../../../platform/messages/index.ts';
import {
  excerpt,
  Http,
  type HttpOptions,
  joinUrl,
  mapLimit,
  reasonFor,
  retryAfterMs,
  safeJson,
  UpstreamError,
} from '../../../platform/net/http.ts';

/**
 * KKTIX organiser data. KKTIX has no public organiser REST API; the paths and shapes here follow the
 * private endpoints PyCon TW's open-source pipeline uses: list events, list
 * an event's attendance books, read one book (attendee ids only), read one attendee. No paging was
 * ever seen, and there is no "changed since" filter, so the cheapest sync is: read the book (all
 * ids, one request) and fetch details only for ids we do not know yet (plus the unpaid ones, which
 * may turn paid).
 */

export class KktixError extends UpstreamError {
  constructor(reason: UpstreamError['reason'], message: Message, details: UpstreamError['details'] = {}) {
    super('kktix', reason, message, details);
    this.name = 'KktixError';
  }
}

export type KktixEvent = { id: number; name: string } & Record<string, unknown>;
export type KktixAttendanceBook = { id: number; name?: string } & Record<string, unknown>;

/** One ticket's attendee record, as PyCon TW's fixture shows it. Unknown extra fields are kept. */
export type KktixAttendee = {
  id: number;
  ticket_id?: number;
  ticket_name: string;
  reg_no?: number;
  state: string; // 'activated' | 'cancelled' seen
  checkin_code?: string;
  qrcode?: string;
  is_paid: boolean;
  price?: number;
  currency?: string;
  payment_method?: string;
  /** the registration form as [question, answer] pairs */
  data: [string, string][];
  kyc?: unknown;
  slot?: unknown;
  id_number?: string | null;
  /** Unix seconds (float); the only "paid at" there is */
  updated_at: number;
  ticket_type?: string;
  order_no?: number;
  search_string?: string;
} & Record<string, unknown>;

export type KktixClientOptions = HttpOptions & {
  /** e.g. `https://kktix.com/api/v2`; the path is configurable because KKTIX keeps it private */
  baseUrl: string;
  /** sent as `Authorization: bearer <token>` */
  token: string;
  /** parallel attendee reads, default 1 (pacing applies across them) */
  concurrency?: number;
};

export type SyncResult = {
  /** every attendee id in the attendance book(s) now */
  ids: number[];
  /** records for every id in `ids`: fresh where fetched, the known record otherwise */
  attendees: Map<number, KktixAttendee>;
  /** how many attendee records were fetched this run */
  fetched: number;
  /** ids listed in the book whose record answered 404 (left out of `ids`) */
  missing: number[];
  /** HTTP requests this run made (retries included) */
  requests: number;
};

export function createKktixClient(opts: KktixClientOptions) {
  if (!opts.baseUrl) throw new Error('KKTIX baseUrl is required');
  if (!opts.token) throw new Error('KKTIX token is required');
  const http = new Http('kktix', { ...opts, minIntervalMs: opts.minIntervalMs ?? 100 });
  const concurrency = Math.max(1, opts.concurrency ?? 1);

  async function get(path: string): Promise<unknown> {
    const { res, text } = await http.request(joinUrl(opts.baseUrl, path), {
      headers: { authorization: `bearer ${opts.token}`, accept: 'application/json' },
    });
    if (!res.ok) {
      const reason = reasonFor(res.status);
      // Coded, so the organiser reads it in their language; KKTIX's own answer stays as it came.
      // The request is named by its path (no query), which reads the same in every language.
      const where = path.split('?')[0];
      const message =
        reason === 'unauthorized'
          ? msg('registration.kktix_token', { status: res.status })
          : reason === 'not_found'
            ? msg('registration.kktix_not_found', { path: where })
            : reason === 'rate_limited'
              ? msg('registration.kktix_rate_limited', { path: where })
              : msg('registration.kktix_http', { status: res.status, path: where, excerpt: excerpt(text) });
      const retry = retryAfterMs(res);
      throw new KktixError(reason, message, {
        upstreamStatus: res.status,
        ...(retry !== undefined ? { retryAfterMs: retry } : {}),
      });
    }
    const body = safeJson(text);
    if (body === undefined)
      throw new KktixError('bad_response', msg('registration.kktix_not_json', { path: path.split('?')[0] }));
    return body;
  }

  const bad = (what: string, why: string) => new KktixError('bad_response', `KKTIX ${what}: ${why}`);
  const seg = (v: number | string) => encodeURIComponent(String(v));

  const client = {
    http,
    /** requests made so far by this client */
    get requests() {
      return http.requests;
    },

    /** `GET /hosting_events?only_not_ended_event=true` → `{data: [...]}` */
    async listEvents(onlyNotEnded = true): Promise<KktixEvent[]> {
      const body = await get(`/hosting_events${onlyNotEnded ? '?only_not_ended_event=true' : ''}`);
      const data = (body as { data?: unknown })?.data;
      if (!Array.isArray(data)) throw bad('event list', '`data` is not an array');
      return data.map((e, i) => {
        if (typeof e?.id !== 'number') throw bad('event list', `data[${i}].id is not a number`);
        return { ...e, name: String(e.name ?? '') } as KktixEvent;
      });
    },

    /** `GET /hosting_events/{id}/attendance_books` → a JSON array */
    async listAttendanceBooks(eventId: number | string): Promise<KktixAttendanceBook[]> {
      const body = await get(`/hosting_events/${seg(eventId)}/attendance_books`);
      if (!Array.isArray(body)) throw bad('attendance books', 'not an array');
      return body.map((b, i) => {
        if (typeof b?.id !== 'number') throw bad('attendance books', `[${i}].id is not a number`);
        return b as KktixAttendanceBook;
      });
    },

    /** `GET /hosting_events/{id}/attendance_books/{book}` → attendee ids from `signin_status[n][0]` */
    async attendanceBookIds(eventId: number | string, bookId: number): Promise<number[]> {
      const body = await get(`/hosting_events/${seg(eventId)}/attendance_books/${seg(bookId)}`);
      const rows = (body as { signin_status?: unknown })?.signin_status;
      if (!Array.isArray(rows)) throw bad('attendance book', '`signin_status` is not an array');
      return rows.map((row, i) => {
        const id = Array.isArray(row) ? row[0] : undefined;
        if (typeof id !== 'number')
          throw bad('attendance book', `signin_status[${i}][0] is not an attendee id`);
        return id;
      });
    },

    /** `GET /hosting_events/{id}/attendees/{attendee}` */
    async getAttendee(eventId: number | string, attendeeId: number): Promise<KktixAttendee> {
      const body = await get(`/hosting_events/${seg(eventId)}/attendees/${seg(attendeeId)}`);
      return checkAttendee(body, `attendee ${attendeeId}`);
    },

    /**
     * All attendee ids of an event: its first attendance book, as PyCon TW does, or the union of
     * all books (one request more per extra book).
     */
    async attendeeIds(eventId: number | string, books: 'first' | 'all' = 'first'): Promise<number[]> {
      const list = await client.listAttendanceBooks(eventId);
      if (list.length === 0) return [];
      const chosen = books === 'first' ? list.slice(0, 1) : list;
      const ids = new Set<number>();
      for (const b of chosen) for (const id of await client.attendanceBookIds(eventId, b.id)) ids.add(id);
      return [...ids];
    },

    /**
     * One sync of an event: the ids now, and a record for each. Records in `known` are reused
     * unless `refetch` says otherwise (default: refetch unpaid ones, since an ATM or convenience
     * store payment turns them paid later). `full: true` refetches everything (a nightly check for
     * changed answers, for instance).
     */
    async syncEvent(
      eventId: number | string,
      opts: {
        known?: ReadonlyMap<number, KktixAttendee>;
        refetch?: (known: KktixAttendee) => boolean;
        full?: boolean;
        books?: 'first' | 'all';
      } = {},
    ): Promise<SyncResult> {
      const before = http.requests;
      const ids = await client.attendeeIds(eventId, opts.books);
      const known = opts.known ?? new Map<number, KktixAttendee>();
      const refetch = opts.refetch ?? ((a: KktixAttendee) => !a.is_paid);
      const attendees = new Map<number, KktixAttendee>();
      const toFetch: number[] = [];
      for (const id of ids) {
        const k = known.get(id);
        if (k && !opts.full && !refetch(k)) attendees.set(id, k);
        else toFetch.push(id);
      }
      // A ticket refunded between reading the book and reading its record may be gone: skip it.
      const missing: number[] = [];
      const fresh = await mapLimit(toFetch, concurrency, (id) =>
        client.getAttendee(eventId, id).catch((err) => {
          if (err instanceof KktixError && err.reason === 'not_found') {
            missing.push(id);
            return undefined;
          }
          throw err;
        }),
      );
      for (const a of fresh) if (a) attendees.set(a.id, a);
      const gone = new Set(missing);
      return {
        ids: gone.size ? ids.filter((id) => !gone.has(id)) : ids,
        attendees,
        fetched: toFetch.length,
        missing,
        requests: http.requests - before,
      };
    },
  };
  return client;
}

export type KktixClient = ReturnType<typeof createKktixClient>;

function checkAttendee(body: unknown, what: string): KktixAttendee {
  const a = body as Partial<KktixAttendee> | undefined;
  const fail = (why: string) => new KktixError('bad_response', `KKTIX ${what}: ${why}`);
  if (!a || typeof a !== 'object') throw fail('not an object');
  if (typeof a.id !== 'number') throw fail('`id` is not a number');
  if (typeof a.is_paid !== 'boolean') throw fail('`is_paid` is not a boolean');
  if (!Array.isArray(a.data)) throw fail('`data` is not a list of [question, answer] pairs');
  return {
    ...a,
    id: a.id,
    is_paid: a.is_paid,
    state: String(a.state ?? ''),
    ticket_name: String(a.ticket_name ?? ''),
    updated_at: Number(a.updated_at ?? 0),
    data: a.data.map((pair) =>
      Array.isArray(pair) ? [String(pair[0] ?? ''), pair[1] == null ? '' : String(pair[1])] : ['', ''],
    ),
  } as KktixAttendee;
}

// ---------------------------------------------------------------------------------------------
// Contact details inside the form answers

export type ContactKeys = { name: string[]; email: string[]; phone: string[] };

/** PyCon TW's form keys (§1.2); English-locale forms may differ, so the lists are configurable. */
const DEFAULT_CONTACT_KEYS: ContactKeys = {
  name: ['聯絡人 姓名', 'Contact Name'],
  email: ['聯絡人 Email', 'Contact Email'],
  phone: ['聯絡人 手機', 'Contact Mobile'],
};

export function answer(a: Pick<KktixAttendee, 'data'>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const hit = a.data.find(([q]) => q.trim() === key);
    if (hit && hit[1].trim() !== '') return hit[1].trim();
  }
  return undefined;
}

export function contactOf(a: Pick<KktixAttendee, 'data'>, keys: ContactKeys = DEFAULT_CONTACT_KEYS) {
  return { name: answer(a, keys.name), email: answer(a, keys.email), phone: answer(a, keys.phone) };
}

// ---------------------------------------------------------------------------------------------
// Diff

/** What a diff needs of a record: a stable id and whether it counts as a sold ticket. */
export type DiffableAttendee = { id: number | string; is_paid: boolean; state?: string };

/** A ticket counts while it is paid and not cancelled. */
export const isActive = (a: DiffableAttendee) => a.is_paid && a.state !== 'cancelled';

export type AttendeeDiff<T extends DiffableAttendee> = {
  /** active now, not active before (new, or just paid) */
  added: T[];
  /** active before and now, with a different record */
  changed: { before: T; after: T }[];
  /** active before, now gone from the book, unpaid or cancelled (the last known record) */
  refunded: T[];
};

type Records<T> = ReadonlyMap<number | string, T> | readonly T[];

const toMap = <T extends DiffableAttendee>(r: Records<T>): ReadonlyMap<number | string, T> =>
  Array.isArray(r)
    ? new Map((r as readonly T[]).map((a) => [a.id, a]))
    : (r as ReadonlyMap<number | string, T>);

/**
 * Compares two snapshots of an event by attendee id. Pure. `equal` decides "changed"; by default
 * the records are compared field by field (key order does not matter).
 */
export function diffAttendees<T extends DiffableAttendee>(
  previous: Records<T>,
  current: Records<T>,
  equal: (a: T, b: T) => boolean = (a, b) => stableJson(a) === stableJson(b),
): AttendeeDiff<T> {
  const prev = toMap(previous);
  const cur = toMap(current);
  const out: AttendeeDiff<T> = { added: [], changed: [], refunded: [] };
  for (const [id, after] of cur) {
    const before = prev.get(id);
    const was = before !== undefined && isActive(before);
    if (isActive(after)) {
      if (!was) out.added.push(after);
      else if (!equal(before, after)) out.changed.push({ before, after });
    } else if (was) out.refunded.push(after);
  }
  for (const [id, before] of prev) if (!cur.has(id) && isActive(before)) out.refunded.push(before);
  return out;
}

export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

// ---------------------------------------------------------------------------------------------
// Webhook

/**
 * One order of a KKTIX webhook batch. What KKTIX's help pages document: batched
 * POSTs of orders that were created and paid, or cancelled; HTTPS only; a failed delivery is
 * retried every 5 minutes up to 3 times, and repeated failures disable the hook. The body's field
 * names, signing and auth are NOT documented. So yeyak reads a batch as a list of order objects,
 * type-checks the fields it knows from the organiser API (`order_no`, `event_id`, `state`,
 * `is_paid`, `updated_at`, `attendees[].id`) only when they are present, ignores everything else,
 * and uses the delivery solely as a trigger for an immediate sync: the API stays the source of
 * truth, so a redelivered, partial or differently shaped batch cannot add or remove anyone.
 */
type KktixWebhookOrder = {
  orderNo?: string;
  eventId?: number;
  state?: string;
  paid?: boolean;
  /** Unix milliseconds, when given */
  updatedAt?: number;
  attendeeIds: number[];
};

export type KktixWebhookBatch = { orders: KktixWebhookOrder[] };

/**
 * Validates a webhook body (parsed JSON, or the raw text). The batch is a JSON array of orders, or
 * an object holding that array under `orders` (or `data`, the organiser API's list wrapper). An
 * empty batch is valid. Throws a 400 AppError naming the first bad field, e.g.
 * `body.orders[2].is_paid`, before anything is done.
 */
export function parseKktixWebhook(body: unknown): KktixWebhookBatch {
  let value = body;
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    const text = String(value);
    value = text.trim() === '' ? undefined : safeJson(text);
    if (value === undefined) throw invalidField('body', msg('registration.webhook_not_json'));
  }
  let list: unknown;
  let base: string;
  if (Array.isArray(value)) {
    list = value;
    base = 'body';
  } else {
    const wrapper = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    const key = Array.isArray(wrapper.orders) || !Array.isArray(wrapper.data) ? 'orders' : 'data';
    list = wrapper[key];
    base = `body.${key}`;
  }
  if (!Array.isArray(list)) throw invalidField('body.orders', msg('registration.webhook_orders'));
  const orders = list.map((o, i): KktixWebhookOrder => {
    const at = (f: string) => `${base}[${i}]${f ? `.${f}` : ''}`;
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw invalidField(at(''), 'must be an object');
    const r = o as Record<string, unknown>;
    const out: KktixWebhookOrder = { attendeeIds: [] };
    if (r.order_no !== undefined && r.order_no !== null) {
      if (!(typeof r.order_no === 'string' && r.order_no.trim()) && !Number.isSafeInteger(r.order_no))
        throw invalidField(at('order_no'), 'must be a non-empty string or an integer');
      out.orderNo = String(r.order_no);
    }
    if (r.event_id !== undefined && r.event_id !== null) {
      const id =
        typeof r.event_id === 'string' && /^\d{1,15}$/.test(r.event_id) ? Number(r.event_id) : r.event_id;
      if (!Number.isSafeInteger(id)) throw invalidField(at('event_id'), 'must be an integer');
      out.eventId = id as number;
    }
    if (r.state !== undefined && r.state !== null) {
      if (typeof r.state !== 'string') throw invalidField(at('state'), 'must be a string');
      out.state = r.state;
    }
    if (r.is_paid !== undefined && r.is_paid !== null) {
      if (typeof r.is_paid !== 'boolean') throw invalidField(at('is_paid'), 'must be true or false');
      out.paid = r.is_paid;
    }
    if (r.updated_at !== undefined && r.updated_at !== null) {
      const t =
        typeof r.updated_at === 'number'
          ? r.updated_at * 1000
          : typeof r.updated_at === 'string'
            ? Date.parse(r.updated_at)
            : Number.NaN;
      if (!Number.isFinite(t))
        throw invalidField(at('updated_at'), 'must be Unix seconds or an ISO 8601 time');
      out.updatedAt = t;
    }
    if (r.attendees !== undefined && r.attendees !== null) {
      if (!Array.isArray(r.attendees)) throw invalidField(at('attendees'), 'must be a list');
      out.attendeeIds = r.attendees.map((a, j) => {
        const id = typeof a === 'number' ? a : (a as { id?: unknown } | null)?.id;
        if (!Number.isSafeInteger(id)) throw invalidField(at(`attendees[${j}].id`), 'must be an integer');
        return id as number;
      });
    }
    return out;
  });
  return { orders };
}

/** The outcome of trying a KKTIX connection: it answered, or it could not be reached just now. */
export type KktixCheck = { state: 'ok' | 'untested'; at: string; message?: string };

/**
 * Tries the organiser's credentials on the event's attendance books. KKTIX unreachable (down,
 * timing out, rate limiting) is not the organiser's mistake: the connection is saved "not tested"
 * and can be tested again later. A refusal (wrong token, unknown event) is thrown as is.
 */
export async function checkKktixConnection(
  client: Pick<KktixClient, 'listAttendanceBooks'>,
  eventId: string,
  now = new Date(),
): Promise<KktixCheck> {
  try {
    await client.listAttendanceBooks(eventId);
    return { state: 'ok', at: now.toISOString() };
  } catch (err) {
    if (err instanceof UpstreamError && (err.reason === 'unavailable' || err.reason === 'rate_limited'))
      return { state: 'untested', at: now.toISOString(), message: err.message.slice(0, 300) };
    throw err;
  }
}
