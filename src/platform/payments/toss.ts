/**
 * Toss Payments, to show the confirm flow fits PaymentGateway (not wired to configuration yet):
 * - the browser SDK's `requestPayment({amount, orderId, orderName, successUrl, failUrl})` starts the
 *   payment; create() answers our own checkout page that runs it (`checkoutUrl`);
 * - the browser comes back to successUrl with `paymentKey, orderId, amount`; no money has moved;
 * - the server compares orderId and amount with its order and calls
 *   `POST /v1/payments/confirm {paymentKey, orderId, amount}` within 10 minutes, with
 *   `Authorization: Basic base64(secretKey + ":")`; `status: "DONE"` means paid;
 * - `GET /v1/payments/orders/{orderId}` is the status; `POST /v1/payments/{paymentKey}/cancel
 *   {cancelReason, cancelAmount?}` cancels (with an `Idempotency-Key`), answering `cancels[]`.
 * Payment webhooks are not signed, so they would only trigger status().
 */
import { randomUUID } from 'node:crypto';
import { type Fetch, Http, joinUrl, safeJson, UpstreamError } from '../net/http.ts';
import {
  type CancelResult,
  type GatewayInput,
  type GatewayOrder,
  type GatewayStatus,
  type PaymentGateway,
  PaymentRefusal,
  type Verdict,
} from './gateway.ts';

export type TossConfig = {
  /** https://api.tosspayments.com (the key decides test or live) */
  url: () => string;
  secretKey: string;
  /** Our page that loads Toss's SDK with the client key and calls requestPayment for an order. */
  checkoutUrl: (orderId: string) => string;
  fetch?: Fetch;
};

type Json = Record<string, unknown>;
const STATES: Record<string, GatewayStatus['state']> = {
  READY: 'created',
  IN_PROGRESS: 'created',
  WAITING_FOR_DEPOSIT: 'created',
  DONE: 'paid',
  CANCELED: 'cancelled',
  PARTIAL_CANCELED: 'paid',
  ABORTED: 'failed',
  EXPIRED: 'failed',
};

export class TossGateway implements PaymentGateway {
  readonly name = 'toss';
  private readonly http: Http;

  constructor(private readonly cfg: TossConfig) {
    this.http = new Http('toss', { fetch: cfg.fetch ?? globalThis.fetch });
  }

  private async call(method: string, path: string, body?: Json, idempotencyKey?: string) {
    const { res, text } = await this.http.request(joinUrl(this.cfg.url(), path), {
      method,
      idempotent: method === 'GET' || idempotencyKey !== undefined,
      headers: {
        authorization: `Basic ${Buffer.from(`${this.cfg.secretKey}:`).toString('base64')}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: safeJson(text) as Json | undefined };
  }

  orderIdOf(input: GatewayInput): string | undefined {
    const id = input.fields.orderId ?? input.fields.order_no;
    return typeof id === 'string' ? id : undefined;
  }

  async create(order: GatewayOrder) {
    return { redirectUrl: this.cfg.checkoutUrl(order.id), token: null, raw: {} };
  }

  async verify(input: GatewayInput, order: GatewayOrder): Promise<Verdict> {
    if (input.kind !== 'return') return { outcome: 'aborted' };
    const { paymentKey, orderId, amount } = input.fields;
    if (typeof paymentKey !== 'string' || !paymentKey || typeof amount !== 'string') {
      throw new PaymentRefusal('bad_input', 'toss return: paymentKey, orderId and amount are required');
    }
    // Checked before confirming: a tampered amount must never be confirmed.
    if (orderId !== order.id) throw new PaymentRefusal('order_mismatch', 'toss return: another order');
    if (!/^\d+$/.test(amount) || Number(amount) !== order.amount) {
      throw new PaymentRefusal(
        'amount_mismatch',
        `toss return: amount ${amount} is not the order's ${order.amount}`,
      );
    }
    if (order.tid === paymentKey) {
      // Confirmed already (the buyer reloaded the success page): Toss's word, not a second confirm.
      const s = await this.status(order);
      if (s.state === 'paid' && s.tid === paymentKey) {
        return { outcome: 'paid', tid: paymentKey, amount: order.amount, records: {} };
      }
    }
    const { status, json } = await this.call(
      'POST',
      '/v1/payments/confirm',
      { paymentKey, orderId, amount: order.amount },
      `confirm-${order.id}`,
    );
    if (status === 200 && json?.status === 'DONE' && Number(json.totalAmount) === order.amount) {
      return { outcome: 'paid', tid: paymentKey, amount: order.amount, records: { status: json } };
    }
    if (status >= 500 || status === 401) {
      throw new UpstreamError(
        'toss',
        status === 401 ? 'unauthorized' : 'unavailable',
        `toss confirm answered ${status}`,
      );
    }
    // A refusal (a card company's, an expired session): the payment failed, nothing moved.
    return { outcome: 'failed', reason: String(json?.code ?? status), records: { status: json ?? {} } };
  }

  async status(order: GatewayOrder): Promise<GatewayStatus> {
    const { status, json } = await this.call('GET', `/v1/payments/orders/${encodeURIComponent(order.id)}`);
    if (status !== 200 || !json) return { state: 'unknown', tid: null, raw: json ?? { httpStatus: status } };
    const key = typeof json.paymentKey === 'string' ? json.paymentKey : null;
    return { state: STATES[String(json.status)] ?? 'unknown', tid: key, raw: json };
  }

  async cancel(order: GatewayOrder & { tid: string }, amount: number, full: boolean): Promise<CancelResult> {
    const { status, json } = await this.call(
      'POST',
      `/v1/payments/${encodeURIComponent(order.tid)}/cancel`,
      { cancelReason: 'cancelled by an admin', ...(full ? {} : { cancelAmount: amount }) },
      // One key per cancel: its retries repeat it, a second partial cancel is a new one.
      `cancel-${order.id}-${randomUUID()}`,
    );
    const cancels = Array.isArray(json?.cancels) ? (json.cancels as Json[]) : [];
    const last = cancels[cancels.length - 1];
    if (status !== 200 || !last || Number(last.cancelAmount) !== amount) {
      throw new UpstreamError('toss', 'rejected', `toss refused the cancel (HTTP ${status})`, {
        upstreamStatus: status,
      });
    }
    return { amount, at: String(last.canceledAt ?? new Date().toISOString()), raw: json as Json };
  }

  callbackAnswer(accepted: boolean, message: string) {
    // Toss retries a webhook on anything but 200.
    return { status: 200, body: { accepted, message } };
  }
}
