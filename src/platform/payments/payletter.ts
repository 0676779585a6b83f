/**
 * Payletter's domestic Korean API v1.0, as its sample clients and logged sandbox traffic show it:
 * - every call: `Authorization: PLKEY <key>`, JSON in UTF-8; the PAYMENT key for request and cancel,
 *   the SEARCH key for status;
 * - `POST /v1.0/payments/request` → `{token, online_url, mobile_url}` (PC page, mobile/WebView page);
 *   a failure is a non-200 with `{code, message}`;
 * - on success Payletter posts a JSON callback to `callback_url` (server to server) and posts the
 *   buyer's browser to `return_url` as a form (`code=0` is success); an aborting buyer is sent to
 *   `cancel_url` (GET);
 * - both carry `payhash = UPPER(hex(SHA-256(user_id + amount + tid + PAYMENT key)))`. It does not
 *   cover `order_no`, so the order is tied to the transaction by asking
 *   `POST /v1.0/payments/status {client_id, order_no}` (status_code 1 created, 2 entered,
 *   3 authenticated, 4 failed, 5 completed, with the tid);
 * - `POST /v1.0/payments/cancel` (whole) and `/v1.0/payments/cancel/partial` (with `amount`) take
 *   `{pgcode, client_id, user_id, tid, ip_addr}` and answer `{tid, cid, amount, cancel_date}`; a 200
 *   can still carry a non-zero `code`, which is a refusal.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { type Fetch, Http, joinUrl, safeJson, UpstreamError } from '../net/http.ts';
import {
  type CancelResult,
  type Device,
  type GatewayInput,
  type GatewayOrder,
  type GatewayStatus,
  type GatewayUrls,
  type PaymentGateway,
  PaymentRefusal,
  type Verdict,
} from './gateway.ts';

export type PayletterConfig = {
  /** Base URL, e.g. https://testpgapi.payletter.com (test) or https://pgapi.payletter.com (live). */
  url: () => string;
  clientId: string;
  paymentKey: string;
  searchKey: string;
  /** The payment method offered (`creditcard`, `mobile`, `kakaopay` …). */
  pgcode: string;
  /** The merchant's name shown on Payletter's page. */
  serviceName: string;
  fetch?: Fetch;
  /** Rewrites the page URL the buyer is sent to (demo: the stand-in reached at PUBLIC_URL, not 127.0.0.1). */
  browserUrl?: (url: string) => string;
};

/** The payhash Payletter signs a result with (upper-case hex). */
export function payhash(userId: string, amount: string | number, tid: string, paymentKey: string): string {
  return createHash('sha256')
    .update(`${userId}${amount}${tid}${paymentKey}`, 'utf8')
    .digest('hex')
    .toUpperCase();
}

const STATUS: Record<number, GatewayStatus['state']> = {
  1: 'created',
  2: 'created',
  3: 'created',
  4: 'failed',
  5: 'paid',
};

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a.toUpperCase());
  const y = Buffer.from(b.toUpperCase());
  return x.length === y.length && timingSafeEqual(x, y);
}

export class PayletterGateway implements PaymentGateway {
  readonly name = 'payletter';
  private readonly http: Http;

  constructor(private readonly cfg: PayletterConfig) {
    // The base URL is the operator's, not a user's: the plain fetch, not the private-address guard.
    this.http = new Http('payletter', { fetch: cfg.fetch ?? globalThis.fetch, timeoutMs: 15_000 });
  }

  private async call(path: string, key: string, body: Record<string, unknown>, idempotent = false) {
    const { res, text } = await this.http.request(joinUrl(this.cfg.url(), path), {
      method: 'POST',
      idempotent,
      headers: { authorization: `PLKEY ${key}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
    });
    return { status: res.status, text, json: safeJson(text) as Record<string, unknown> | undefined };
  }

  private failure(what: string, status: number, json: Record<string, unknown> | undefined): UpstreamError {
    const code = json?.code;
    const message = typeof json?.message === 'string' ? json.message.slice(0, 200) : '';
    return new UpstreamError(
      'payletter',
      status === 401 || status === 403 ? 'unauthorized' : status >= 500 ? 'unavailable' : 'rejected',
      `payletter refused the ${what} (HTTP ${status}${code !== undefined ? `, code ${String(code)}` : ''}${message ? `: ${message}` : ''})`,
      { upstreamStatus: status },
    );
  }

  orderIdOf(input: GatewayInput): string | undefined {
    return str(input.fields.order_no);
  }

  async create(order: GatewayOrder, device: Device, urls: GatewayUrls) {
    const { status, text, json } = await this.call('/v1.0/payments/request', this.cfg.paymentKey, {
      pgcode: this.cfg.pgcode,
      client_id: this.cfg.clientId,
      service_name: this.cfg.serviceName,
      user_id: order.userId,
      order_no: order.id,
      amount: order.amount,
      product_name: order.productName,
      email_flag: 'N',
      return_url: urls.return,
      callback_url: urls.callback,
      cancel_url: urls.cancel,
    });
    if (status !== 200 || !json) throw this.failure('payment request', status, json);
    const redirect = device === 'mobile' ? json.mobile_url : json.online_url;
    if (typeof redirect !== 'string' || !/^https?:\/\//.test(redirect)) {
      throw new UpstreamError('payletter', 'bad_response', 'payletter answered no payment page URL');
    }
    // The token is an 18-digit number: read from the text, since a JS number would round it.
    const token = /"token"\s*:\s*"?(\d+)/.exec(text)?.[1] ?? str(json.token) ?? null;
    return { redirectUrl: this.cfg.browserUrl?.(redirect) ?? redirect, token, raw: { ...json, token } };
  }

  async verify(input: GatewayInput, order: GatewayOrder): Promise<Verdict> {
    const f = input.fields;
    if (input.kind === 'abort') {
      // The buyer left the page; unless the gateway says it completed after all, the order is aborted.
      const s = await this.status(order);
      return s.state === 'paid'
        ? { outcome: 'pending', reason: 'completed at the gateway; waiting for its result' }
        : { outcome: 'aborted' };
    }
    if (input.kind === 'return' && str(f.code) !== '0') {
      // A failure has no signature: only the gateway's status makes it final.
      const s = await this.status(order);
      if (s.state === 'failed')
        return { outcome: 'failed', reason: str(f.message) ?? 'failed', records: { status: s.raw } };
      return { outcome: 'pending', reason: `the gateway says ${s.state}` };
    }
    const userId = str(f.user_id);
    const amount = str(f.amount);
    const tid = str(f.tid);
    const hash = str(f.payhash);
    if (!userId || !amount || !tid || !hash) {
      throw new PaymentRefusal(
        'bad_input',
        'payletter result: user_id, amount, tid and payhash are required',
      );
    }
    if (!sameHash(hash, payhash(userId, amount, tid, this.cfg.paymentKey))) {
      throw new PaymentRefusal('bad_signature', 'payletter result: payhash does not match');
    }
    if (!/^\d+$/.test(amount) || Number(amount) !== order.amount) {
      throw new PaymentRefusal(
        'amount_mismatch',
        `payletter result: amount ${amount} is not the order's ${order.amount}`,
      );
    }
    if (userId !== order.userId) {
      throw new PaymentRefusal('order_mismatch', "payletter result: user_id is not the order's");
    }
    const s = await this.status(order);
    if (s.tid && s.tid !== tid) {
      throw new PaymentRefusal(
        'order_mismatch',
        'payletter result: the gateway names another transaction for this order',
      );
    }
    if (s.state !== 'paid') {
      throw new PaymentRefusal(
        'not_completed',
        `payletter result: the gateway's status is ${s.state}, not completed`,
      );
    }
    return { outcome: 'paid', tid, amount: order.amount, records: { status: s.raw } };
  }

  async status(order: GatewayOrder): Promise<GatewayStatus> {
    const { status, json } = await this.call(
      '/v1.0/payments/status',
      this.cfg.searchKey,
      { client_id: this.cfg.clientId, order_no: order.id },
      true,
    );
    if (status !== 200 || !json) {
      if (status === 401 || status === 403 || status >= 500) throw this.failure('status query', status, json);
      return { state: 'unknown', tid: null, raw: json ?? { httpStatus: status } };
    }
    if (str(json.order_no) !== order.id) {
      throw new UpstreamError('payletter', 'bad_response', 'payletter status answered about another order');
    }
    return { state: STATUS[Number(json.status_code)] ?? 'unknown', tid: str(json.tid) ?? null, raw: json };
  }

  async cancel(order: GatewayOrder & { tid: string }, amount: number, full: boolean): Promise<CancelResult> {
    const { status, json } = await this.call(
      full ? '/v1.0/payments/cancel' : '/v1.0/payments/cancel/partial',
      this.cfg.paymentKey,
      {
        pgcode: this.cfg.pgcode,
        client_id: this.cfg.clientId,
        user_id: order.userId,
        tid: order.tid,
        amount,
        ip_addr: order.ip ?? '127.0.0.1',
      },
    );
    if (status !== 200 || !json || (json.code !== undefined && Number(json.code) !== 0)) {
      throw this.failure('cancel', status, json);
    }
    const cancelled = Number(json.amount);
    if (!Number.isInteger(cancelled) || cancelled !== amount) {
      throw new UpstreamError(
        'payletter',
        'bad_response',
        `payletter cancelled ${String(json.amount)}, not ${amount}`,
      );
    }
    return { amount: cancelled, at: str(json.cancel_date) ?? new Date().toISOString(), raw: json };
  }

  callbackAnswer(accepted: boolean, message: string) {
    // Undocumented; a known client answers 200 with {code, message}. Refusals keep their 4xx.
    return { status: 200, body: { code: accepted ? 0 : 1, message } };
  }
}
