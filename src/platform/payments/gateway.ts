import { AppError } from '../errors.ts';

/** What a gateway needs to know about one of our orders. */
export type GatewayOrder = {
  id: string;
  userId: string;
  amount: number;
  productName: string;
  /** The gateway's transaction id, once the order has one (status after payment, cancel). */
  tid: string | null;
  /** The gateway's session handle from create(), if it gave one. */
  token: string | null;
  /** The buyer's address when the order was made (Payletter's cancel asks for it). */
  ip: string | null;
};

export type Device = 'pc' | 'mobile';

/** Where our server is reached by the gateway (callback) and by the buyer's browser (return, abort). */
export type GatewayUrls = { callback: string; return: string; cancel: string };

/** What came back from the gateway: a server-to-server callback, or the buyer's browser returning. */
export type GatewayInput = {
  kind: 'callback' | 'return' | 'abort';
  /** The fields as sent (JSON body, form fields or query), unchecked. */
  fields: Record<string, unknown>;
};

/**
 * What verify() concluded. `paid` only when the gateway's own word was checked (signature, amount,
 * order, and the gateway's status or confirm answer); `failed` when the gateway says the payment
 * failed; `aborted` when the buyer gave up; `pending` when nothing is settled yet (ask status later).
 */
export type Verdict =
  | { outcome: 'paid'; tid: string; amount: number; records: Partial<Record<'status', unknown>> }
  | { outcome: 'failed'; reason: string; records: Partial<Record<'status', unknown>> }
  | { outcome: 'aborted' }
  | { outcome: 'pending'; reason: string };

export type GatewayStatus = {
  state: 'created' | 'paid' | 'failed' | 'cancelled' | 'unknown';
  tid: string | null;
  raw: Record<string, unknown>;
};

export type CancelResult = { amount: number; at: string; raw: Record<string, unknown> };

export type RefusalReason =
  | 'bad_signature'
  | 'amount_mismatch'
  | 'order_mismatch'
  | 'unknown_order'
  | 'replayed'
  | 'not_completed'
  | 'bad_input';

/**
 * A gateway's answer we refuse to act on (a wrong hash, a different amount, an unknown order, a
 * transaction already used). A 4xx: nothing changes, and the service writes a server-log row.
 */
export class PaymentRefusal extends AppError {
  constructor(
    public readonly reason: RefusalReason,
    message: string,
    status = reason === 'unknown_order'
      ? 404
      : reason === 'replayed' || reason === 'not_completed'
        ? 409
        : 400,
  ) {
    super(status, message, { reason });
    this.name = 'PaymentRefusal';
  }
}

/**
 * A payment gateway. The service keeps the orders; the gateway only speaks its service's wire format.
 *
 * Two shapes of gateway fit:
 * - Payletter (KR API v1.0): create() asks for a payment session and answers its page's URL; the
 *   gateway posts a signed callback (server to server, success only) and posts the browser back to
 *   the return URL. verify() checks the signature (payhash), amount and order, then asks status()
 *   whether the gateway itself says completed; only then is the order paid. Either the callback or
 *   the return may arrive first, or only one of them: each settles the order once.
 * - Toss Payments: create() answers a page of ours that starts Toss's checkout (the browser SDK,
 *   with amount, orderId, orderName, successUrl = our return URL, failUrl = our abort URL). The
 *   browser comes back to the return URL with `paymentKey, orderId, amount`; no money has moved yet.
 *   verify({kind:'return'}) compares orderId and amount with the order, then calls
 *   `POST /v1/payments/confirm {paymentKey, orderId, amount}` (Basic auth: the secret key and a colon,
 *   within 10 minutes of the redirect) and answers paid with tid = paymentKey when Toss says DONE.
 *   status() is `GET /v1/payments/orders/{orderId}`, cancel() is
 *   `POST /v1/payments/{paymentKey}/cancel {cancelReason, cancelAmount?}` with an Idempotency-Key.
 *   Toss's webhooks are not signed for payments, so a webhook is only a trigger to call status().
 * (toss.ts is that adapter.) In both cases the order becomes paid in one place (the service's conditional UPDATE), once.
 */
export interface PaymentGateway {
  readonly name: string;
  /** Which of our orders an input is about, read before anything in it is trusted. */
  orderIdOf(input: GatewayInput): string | undefined;
  /** Starts a payment; answers where to send the buyer (the PC or the mobile page). */
  create(
    order: GatewayOrder,
    device: Device,
    urls: GatewayUrls,
  ): Promise<{ redirectUrl: string; token: string | null; raw: Record<string, unknown> }>;
  /** Checks what came back (throws PaymentRefusal on anything forged or inconsistent). */
  verify(input: GatewayInput, order: GatewayOrder): Promise<Verdict>;
  /** What the gateway says about the order now (by our order id, or its tid). */
  status(order: GatewayOrder): Promise<GatewayStatus>;
  /** Cancels a paid order at the gateway: the whole amount, or `amount` of it. */
  cancel(order: GatewayOrder & { tid: string }, amount: number, full: boolean): Promise<CancelResult>;
  /** What the gateway expects as the answer to a callback it sent (status and body). */
  callbackAnswer(accepted: boolean, message: string): { status: number; body: Record<string, unknown> };
}
