/**
 * The 060 consultation vendor's API as sims/phone060/README.md writes it down (no vendor publishes
 * one): JSON over HTTPS, `Authorization: Bearer <API key>`, snake_case fields, failures as a non-2xx
 * with `{error: {code, message}}`. Charges, returns and tickets carry our `ref`, which the vendor
 * keeps, so sending one twice is harmless.
 */
import { z } from 'zod';
import { type Fetch, Http, joinUrl, safeJson } from '../../../platform/net/http.ts';
import {
  COUNSELOR_STATUSES,
  type CounselorStatus,
  normalizePhone,
  type Phone060Counselor,
  Phone060Error,
  type Phone060ErrorKind,
  type Phone060LineChange,
  type Phone060Ticket,
} from './types.ts';

export type Phone060Options = {
  /** The vendor's base URL; a function is read on each call (tests move the stand-in after listening). */
  url: string | (() => string);
  apiKey: string;
  /** The global fetch by default (the operator's URL, not a user's). */
  fetch?: Fetch;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** Attempts of a request that is safe to repeat, on connection errors and 5xx; default 3. */
  attempts?: number;
};

/** The vendor's error codes and what they mean to us (any other code falls back on the HTTP status). */
const VENDOR_CODES: Record<string, Phone060ErrorKind> = {
  UNAUTHORIZED: 'auth',
  NOT_FOUND: 'not_found',
  INSUFFICIENT_TIME: 'insufficient_time',
  COUNSELOR_UNAVAILABLE: 'counselor_unavailable',
  REF_CONFLICT: 'conflict',
  INVALID_REQUEST: 'invalid',
};

function kindOfStatus(status: number): Phone060ErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status >= 500 || status === 429) return 'unavailable';
  return 'invalid';
}

const rate = z.number().int().positive();
const seconds = z.number().int().min(0);

const counselorsAnswer = z.object({
  counselors: z.array(
    z.object({
      code: z.string().regex(/^\d{3}$/),
      nickname: z.string().min(1).max(100),
      grade: z.string().max(40),
      rate_per_30s: rate,
      status: z.enum(COUNSELOR_STATUSES),
      email: z.string().max(254).optional(),
    }),
  ),
});
const statusAnswer = z.object({ code: z.string(), status: z.enum(COUNSELOR_STATUSES) });
const lineAnswer = z.object({ phone: z.string(), balance_seconds: seconds });
const chargeAnswer = lineAnswer.extend({ charged_seconds: seconds });
const returnAnswer = lineAnswer.extend({ returned_seconds: seconds });
const reservationAnswer = z.object({ reservation_id: z.string().min(1).max(100) });
const ticketAnswer = z.object({
  ticket_id: z.string().min(1).max(100),
  dial_number: z.string().min(1).max(40),
  code: z.string().regex(/^\d{3}$/),
  expires_at: z.iso.datetime({ offset: true }),
});
const webhookAnswer = z.object({ url: z.string() });

/** Refs are ours (an order id, a ledger transfer id): short and printable. */
const REF = /^[\w.:-]{1,100}$/;

export class Phone060 {
  private readonly http: Http;
  private readonly url: () => string;
  // A private field: the key stays out of util.inspect, JSON.stringify and error messages.
  readonly #apiKey: string;

  constructor(opts: Phone060Options) {
    const url = opts.url;
    this.url = typeof url === 'string' ? () => url : url;
    this.#apiKey = opts.apiKey;
    this.http = new Http('phone060', {
      fetch: opts.fetch ?? globalThis.fetch,
      timeoutMs: opts.timeoutMs ?? 10_000,
      attempts: opts.attempts ?? 3,
    });
  }

  /** Sends one request and reads the answer with `shape`; a non-2xx becomes a Phone060Error. */
  private async call<T>(
    what: string,
    method: string,
    path: string,
    shape: z.ZodType<T>,
    body?: Record<string, unknown>,
    idempotent = method === 'GET' || method === 'PUT',
  ): Promise<T> {
    const { res, text } = await this.http
      .request(joinUrl(this.url(), path), {
        method,
        idempotent,
        headers: {
          authorization: `Bearer ${this.#apiKey}`,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      })
      .catch((err: unknown) => {
        throw new Phone060Error('unavailable', `the 060 vendor could not be reached (${what})`, undefined, {
          cause: err,
        });
      });
    const json = safeJson(text);
    if (res.status < 200 || res.status > 299) {
      const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const code = typeof error?.code === 'string' ? error.code.slice(0, 40) : undefined;
      const message = typeof error?.message === 'string' ? error.message.slice(0, 200) : '';
      const kind = (code && VENDOR_CODES[code]) || kindOfStatus(res.status);
      throw new Phone060Error(
        kind,
        `the 060 vendor refused the ${what} (HTTP ${res.status}${code ? `, ${code}` : ''}${message ? `: ${message}` : ''})`,
        code,
        { upstreamStatus: res.status },
      );
    }
    const parsed = shape.safeParse(json);
    if (!parsed.success) {
      throw new Phone060Error(
        'bad_response',
        `the 060 vendor's answer to the ${what} is not the documented shape`,
      );
    }
    return parsed.data;
  }

  private static phone(phone: string): string {
    const p = normalizePhone(phone);
    if (!p) throw new Phone060Error('invalid', 'phone: digits only, e.g. 01012345678');
    return p;
  }

  private static code(code: string): string {
    if (!/^\d{3}$/.test(code)) throw new Phone060Error('invalid', 'code: a 3-digit counselor code');
    return code;
  }

  private static ref(ref: string): string {
    if (!REF.test(ref)) throw new Phone060Error('invalid', 'ref: 1–100 letters, digits, . _ : -');
    return ref;
  }

  private static seconds(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
      throw new Phone060Error('invalid', 'seconds: a whole number from 1 to 1,000,000');
    return n;
  }

  /** Every counselor registered at the vendor, with rate and current status. */
  async listCounselors(): Promise<Phone060Counselor[]> {
    const a = await this.call('counselor list', 'GET', '/v1/counselors', counselorsAnswer);
    return a.counselors.map((c) => ({
      code: c.code,
      name: c.nickname,
      grade: c.grade,
      ratePer30s: c.rate_per_30s,
      status: c.status,
      ...(c.email ? { email: c.email } : {}),
    }));
  }

  /** Sets a counselor's line state (a counselor going on or off duty). */
  async setStatus(code: string, status: CounselorStatus): Promise<CounselorStatus> {
    if (!COUNSELOR_STATUSES.includes(status))
      throw new Phone060Error('invalid', 'status: online, offline or busy');
    const a = await this.call(
      'status change',
      'PUT',
      `/v1/counselors/${Phone060.code(code)}/status`,
      statusAnswer,
      { status },
    );
    return a.status;
  }

  /** The caller's prepaid seconds at the vendor (0 for a number never charged). */
  async balance(phone: string): Promise<number> {
    const a = await this.call('balance query', 'GET', `/v1/lines/${Phone060.phone(phone)}`, lineAnswer);
    return a.balance_seconds;
  }

  /** Adds prepaid seconds to the caller's line; the same `ref` again changes nothing and answers the same. */
  async chargeTime(phone: string, seconds: number, ref: string): Promise<Phone060LineChange> {
    const a = await this.call(
      'charge',
      'POST',
      `/v1/lines/${Phone060.phone(phone)}/charge`,
      chargeAnswer,
      { seconds: Phone060.seconds(seconds), ref: Phone060.ref(ref) },
      true,
    );
    return { phone: a.phone, seconds: a.charged_seconds, balanceSeconds: a.balance_seconds };
  }

  /**
   * Takes back unused prepaid seconds: at most `seconds`, never more than the line has (`seconds`
   * in the answer is what was taken). The same `ref` again changes nothing and answers the same.
   */
  async returnTime(phone: string, seconds: number, ref: string): Promise<Phone060LineChange> {
    const a = await this.call(
      'return',
      'POST',
      `/v1/lines/${Phone060.phone(phone)}/return`,
      returnAnswer,
      { seconds: Phone060.seconds(seconds), ref: Phone060.ref(ref) },
      true,
    );
    if (a.returned_seconds > seconds) {
      throw new Phone060Error(
        'bad_response',
        `the 060 vendor returned ${a.returned_seconds} s, more than ${seconds}`,
      );
    }
    return { phone: a.phone, seconds: a.returned_seconds, balanceSeconds: a.balance_seconds };
  }

  /** Books a call with a counselor for a time; answers the vendor's reservation id. */
  async reserve(code: string, phone: string, at: Date): Promise<string> {
    if (Number.isNaN(at.getTime())) throw new Phone060Error('invalid', 'at: a valid time');
    const a = await this.call('reservation', 'POST', '/v1/reservations', reservationAnswer, {
      code: Phone060.code(code),
      phone: Phone060.phone(phone),
      at: at.toISOString(),
    });
    return a.reservation_id;
  }

  /** A ticket for one call to the counselor from this phone, valid 30 minutes; the same `ref` answers the same ticket. */
  async purchase(code: string, phone: string, ref: string): Promise<Phone060Ticket> {
    const a = await this.call(
      'ticket purchase',
      'POST',
      '/v1/tickets',
      ticketAnswer,
      { code: Phone060.code(code), phone: Phone060.phone(phone), ref: Phone060.ref(ref) },
      true,
    );
    return {
      ticketId: a.ticket_id,
      dialNumber: a.dial_number,
      code: a.code,
      expiresAt: new Date(a.expires_at),
    };
  }

  /** Where the vendor sends call events (real vendors also take it in their dashboard). */
  async registerWebhook(url: string): Promise<string> {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new Phone060Error('invalid', 'url: an http(s) URL');
    return (await this.call('webhook registration', 'PUT', '/v1/webhook', webhookAnswer, { url })).url;
  }
}
