import { createHmac, randomUUID } from 'node:crypto';
import { type Attempt, DELIVERY_BACKOFF_MS, type Delivery, type World } from './world.ts';

/** What a simulated call came to (the answer of POST /simulate/call). */
export type CallResult = {
  call_id: string;
  phone: string;
  code: string;
  ticket_id: string | null;
  talk_seconds: number;
  billed_seconds: number;
  /** The line's prepaid seconds after the call (before it, while the call is still on). */
  balance_seconds: number;
  /** `ended` for an instant call; `in_call` while a delayed one lasts. */
  state: 'ended' | 'in_call';
  deliveries: string[];
};

export type CallRefusal = { status: number; code: string; message: string };

/**
 * Signs like the vendor: `X-060-Signature: sha256=hex(HMAC-SHA256(secret, "<timestamp>.<body>"))`,
 * the timestamp (Unix seconds, the real clock) in `X-060-Timestamp`. Written here on its own so the
 * stand-in does not share the adapter's code it is there to check.
 */
function signedHeaders(body: string, secret: string, type: string, deliveryId: string) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return {
    'content-type': 'application/json; charset=utf-8',
    'x-060-event': type,
    'x-060-delivery': deliveryId,
    'x-060-timestamp': timestamp,
    'x-060-signature': `sha256=${signature}`,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Billed seconds: the talk, rounded up to whole 30 s units, never above the prepaid time the line had. */
export const billedSeconds = (talk: number, prepaid: number) =>
  Math.min(Math.ceil(Math.min(talk, prepaid) / 30) * 30, prepaid);

export class Calls {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly world: World,
    private readonly secret: string,
  ) {}

  /** Sends one event, tried again (after 100, 300, 900 ms) until a 2xx; each try signed afresh. */
  private async deliver(type: Delivery['type'], event: Record<string, unknown>): Promise<Delivery> {
    const url = this.world.webhookUrl as string;
    const body = JSON.stringify({ type, ...event });
    const d: Delivery = {
      id: randomUUID(),
      type,
      callId: String(event.callId),
      url,
      body,
      attempts: [],
      delivered: false,
    };
    this.world.deliveries.push(d);
    for (let i = 0; i <= DELIVERY_BACKOFF_MS.length && !this.closed; i++) {
      if (i > 0) await sleep(DELIVERY_BACKOFF_MS[i - 1]);
      const attempt: Attempt = { at: new Date().toISOString(), status: 0 };
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: signedHeaders(body, this.secret, type, d.id),
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(5000),
        });
        attempt.status = res.status;
        await res.arrayBuffer().catch(() => undefined);
      } catch (err) {
        attempt.error = String((err as Error).message).slice(0, 200);
      }
      d.attempts.push(attempt);
      if (attempt.status >= 200 && attempt.status <= 299) {
        d.delivered = true;
        break;
      }
    }
    return d;
  }

  /**
   * A call from `phone` to counselor `code` talking `talk` seconds after the tone. It connects when
   * the counselor is online and the line has prepaid time; a valid ticket for that counselor is
   * attached (and used up). The counselor is busy until it ends: at once (`delayMs` 0, the answer
   * waits for both events' deliveries), or `delayMs` later (the answer comes after call.started).
   */
  async call(phone: string, code: string, talk: number, delayMs: number): Promise<CallResult | CallRefusal> {
    const w = this.world;
    const c = w.counselors.get(code);
    if (!c) return { status: 404, code: 'NOT_FOUND', message: 'no such counselor' };
    if (c.status !== 'online')
      return { status: 409, code: 'COUNSELOR_UNAVAILABLE', message: `the counselor is ${c.status}` };
    const line = w.lines.get(phone);
    if (line?.inCall) return { status: 409, code: 'LINE_BUSY', message: 'this phone is already in a call' };
    if (!line || line.balance <= 0)
      return { status: 409, code: 'INSUFFICIENT_TIME', message: 'no prepaid time on this line' };
    if (!w.webhookUrl) return { status: 409, code: 'NO_WEBHOOK', message: 'no webhook URL registered' };

    const ticket = w.ticketFor(phone, code);
    const callId = w.id('C');
    if (ticket) ticket.usedBy = callId;
    const startedAt = w.now();
    const billed = billedSeconds(talk, line.balance);
    line.inCall = true;
    c.status = 'busy';
    const base = {
      callId,
      caller: phone,
      code,
      ticketId: ticket?.id ?? null,
      startedAt: new Date(startedAt).toISOString(),
    };
    const started = await this.deliver('call.started', base);

    const end = async () => {
      line.balance -= billed;
      line.inCall = false;
      // A status someone set during the call stays; only the call's own busy is undone.
      if (c.status === 'busy') c.status = 'online';
      return this.deliver('call.ended', {
        ...base,
        endedAt: new Date(startedAt + talk * 1000).toISOString(),
        talkSeconds: talk,
        billedSeconds: billed,
      });
    };
    const result = (state: CallResult['state'], ids: string[]): CallResult => ({
      call_id: callId,
      phone,
      code,
      ticket_id: ticket?.id ?? null,
      talk_seconds: talk,
      billed_seconds: billed,
      balance_seconds: line.balance,
      state,
      deliveries: ids,
    });
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void end();
      }, delayMs);
      this.timers.add(timer);
      return result('in_call', [started.id]);
    }
    const ended = await end();
    return result('ended', [started.id, ended.id]);
  }

  close() {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
