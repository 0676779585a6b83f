import { createHash, randomInt } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * A stand-in for Payletter's domestic KR API v1.0 (test host testpgapi.payletter.com), speaking its
 * wire format: `Authorization: PLKEY <key>` (PAYMENT key for request/cancel, SEARCH key for status),
 * `POST /v1.0/payments/request` → `{token, online_url, mobile_url}` with the token as a bare 18-digit
 * number, a payment page, a JSON callback on success only, the browser posted to `return_url` as a
 * form (`code=0` success), `cancel_url` (GET) when the buyer aborts, status codes 1–5, whole and
 * partial cancel. Results carry `payhash = UPPER(hex(SHA-256(user_id + amount + tid + PAYMENT key)))`.
 *
 * Switches, per payment (`fault` on the page's URL or the pay form): `wrong-hash` (payhash made with
 * another key), `wrong-amount` (a signed result for 1,000 won more), `duplicate-callback` (the
 * callback twice, at once), `no-callback` (only the browser's return).
 */

/** The stand-in's merchant and keys (the adapter uses them in demo mode). Not Payletter's. */
export const SIM_CLIENT_ID = 'pay_test';
export const SIM_PAYMENT_KEY = 'SIM-PAYMENT-KEY-0000';
export const SIM_SEARCH_KEY = 'SIM-SEARCH-KEY-0000';

export const FAULTS = ['wrong-hash', 'wrong-amount', 'duplicate-callback', 'no-callback'] as const;
export type Fault = (typeof FAULTS)[number];

type Payment = {
  token: string;
  request: Record<string, string | number>;
  /** 1 created, 2 entered, 3 authenticated, 4 failed, 5 completed */
  status: number;
  tid?: string;
  cid?: string;
  cancelled: number;
  transactionDate?: string;
};

/** What the stand-in sent to a callback URL and what came back (GET /_log). */
export type CallbackLog = { orderNo: string; status: number; body: string };

const hash = (userId: string, amount: string | number, tid: string, key: string) =>
  createHash('sha256').update(`${userId}${amount}${tid}${key}`).digest('hex').toUpperCase();

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const stamp = (d = new Date()) => {
  const p = (n: number) => String(n).padStart(2, '0');
  return {
    day: `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}`,
    at: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`,
  };
};

/** Payletter answers failures with a non-200 and `{code, message}` (401 → 998, 406 → 2000–5000). */
const fail = (reply: FastifyReply, status: number, code: number, message: string) =>
  reply.code(status).send({ code, message });

const AUTOSUBMIT = "document.querySelectorAll('form[data-auto]').forEach(function (f) { f.submit(); });\n";

export async function payletterStandIn(app: FastifyInstance) {
  const payments = new Map<string, Payment>();
  const byTid = new Map<string, Payment>();
  const callbacks: CallbackLog[] = [];
  let seq = 8_157_771;

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  const key = (req: FastifyRequest, want: string) => req.headers.authorization === `PLKEY ${want}`;
  const base = (req: FastifyRequest) => `${req.protocol}://${req.host}${app.prefix}`;

  app.post('/v1.0/payments/request', async (req, reply) => {
    if (!key(req, SIM_PAYMENT_KEY)) return fail(reply, 401, 998, 'authentication failed');
    const b = (req.body ?? {}) as Record<string, unknown>;
    for (const f of [
      'pgcode',
      'client_id',
      'user_id',
      'order_no',
      'amount',
      'product_name',
      'return_url',
      'callback_url',
    ]) {
      if (b[f] === undefined || b[f] === '') return fail(reply, 406, 2001, `${f} is required`);
    }
    if (b.client_id !== SIM_CLIENT_ID) return fail(reply, 406, 2002, 'unknown client_id');
    if (!Number.isInteger(b.amount) || (b.amount as number) < 1)
      return fail(reply, 406, 2003, 'amount must be a positive integer');
    const token = `${Date.now()}${String(randomInt(10_000, 99_999))}`;
    payments.set(token, { token, request: b as Record<string, string | number>, status: 1, cancelled: 0 });
    const hub = `${base(req)}/pgsvc/hub.asp`;
    // Written by hand: the real service sends the token as a bare number too big for a JS number.
    return reply
      .type('application/json; charset=utf-8')
      .send(
        `{"token":${token},"online_url":"${hub}?location=online&token=${token}","mobile_url":"${hub}?location=mobile&token=${token}"}`,
      );
  });

  app.get('/pgsvc/autosubmit.js', async (_req, reply) => reply.type('text/javascript').send(AUTOSUBMIT));

  app.get('/pgsvc/hub.asp', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const p = payments.get(q.token ?? '');
    if (!p)
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send('<p>결제 정보를 찾을 수 없습니다 (no such payment).</p>');
    if (p.status < 2) p.status = 2;
    const fault = FAULTS.includes(q.fault as Fault) ? (q.fault as string) : '';
    const r = p.request;
    const button = (action: string, label: string) =>
      `<form method="post" action="${esc(app.prefix)}/pgsvc/pay"><input type="hidden" name="token" value="${esc(p.token)}"><input type="hidden" name="action" value="${action}"><input type="hidden" name="fault" value="${esc(fault)}"><button type="submit" data-testid="payletter-${action}">${label}</button></form>`;
    return reply
      .type('text/html; charset=utf-8')
      .send(`<!doctype html><html lang="ko"><head><meta charset="utf-8"><link rel="icon" href="data:,"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Payletter (stand-in)</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#222}h1{font-size:1.2rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dd{margin:0;font-weight:600}.row{display:flex;gap:.5rem;flex-wrap:wrap;margin-top:1.5rem}button{font-size:1rem;padding:.6rem 1rem;border-radius:.4rem;border:1px solid #888;background:#fff;cursor:pointer}[data-testid=payletter-pay]{background:#1e5eff;color:#fff;border-color:#1e5eff}.note{color:#a00}</style></head>
<body><h1>Payletter 결제 (stand-in · ${esc(String(q.location ?? 'online'))})</h1>
<dl><dt>상점 (service)</dt><dd>${esc(String(r.service_name ?? ''))}</dd><dt>상품 (product)</dt><dd data-testid="payletter-product">${esc(String(r.product_name))}</dd><dt>금액 (amount)</dt><dd data-testid="payletter-amount">${Number(r.amount).toLocaleString('ko-KR')}원</dd><dt>결제수단 (method)</dt><dd>${esc(String(r.pgcode))}</dd></dl>
${fault ? `<p class="note">switch: ${esc(fault)}</p>` : ''}
<div class="row">${button('pay', '결제하기 (Pay)')}${button('fail', '결제 실패 (Fail)')}${button('cancel', '취소 (Cancel)')}</div></body></html>`);
  });

  /** The buyer pressed a button: settle, call back (unless switched off), post the browser back. */
  app.post('/pgsvc/pay', async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, string | undefined>;
    const p = payments.get(b.token ?? '');
    if (!p) return fail(reply, 404, 3001, 'no such payment');
    const r = p.request;
    const json = (req.headers.accept ?? '').includes('application/json');
    if (b.action === 'cancel') {
      const to = String(r.cancel_url ?? r.return_url);
      return json ? { cancelUrl: to } : reply.redirect(to, 303);
    }
    if (p.status >= 4) return fail(reply, 406, 3002, 'this payment is already finished');
    const fault = b.fault as Fault | undefined;
    const when = stamp();
    let fields: Record<string, string>;
    if (b.action === 'fail') {
      p.status = 4;
      fields = {
        code: '2501',
        message: '카드 승인 거절 (declined)',
        user_id: String(r.user_id),
        order_no: String(r.order_no),
        amount: String(r.amount),
        pgcode: String(r.pgcode),
      };
    } else {
      p.status = 5;
      p.tid = `t${SIM_CLIENT_ID}-${when.day}${String(seq++).padStart(7, '0')}`;
      p.cid = String(seq);
      p.transactionDate = when.at;
      byTid.set(p.tid, p);
      const amount = fault === 'wrong-amount' ? Number(r.amount) + 1000 : Number(r.amount);
      const signKey = fault === 'wrong-hash' ? 'NOT-THE-PAYMENT-KEY' : SIM_PAYMENT_KEY;
      fields = {
        code: '0',
        message: '',
        user_id: String(r.user_id),
        user_name: String(r.user_name ?? ''),
        order_no: String(r.order_no),
        service_name: String(r.service_name ?? ''),
        product_name: String(r.product_name),
        custom_parameter: String(r.custom_parameter ?? ''),
        tid: p.tid,
        cid: p.cid,
        amount: String(amount),
        taxfree_amount: '0',
        tax_amount: String(Math.round(amount / 11)),
        pay_info: '테스트카드',
        pgcode: String(r.pgcode),
        billkey: '',
        domestic_flag: 'N',
        transaction_date: when.at,
        install_month: '00',
        card_info: '',
        payhash: hash(String(r.user_id), amount, p.tid, signKey),
      };
      if (fault !== 'no-callback') {
        const send = async () => {
          try {
            const res = await fetch(String(r.callback_url), {
              method: 'POST',
              headers: { 'content-type': 'application/json; charset=utf-8' },
              body: JSON.stringify({
                ...fields,
                cash_receipt: {
                  code: '',
                  message: '',
                  cid: '',
                  deal_no: '',
                  issue_type: '',
                  payer_sid: '',
                  type: '',
                },
              }),
              signal: AbortSignal.timeout(15_000),
            });
            callbacks.push({
              orderNo: String(r.order_no),
              status: res.status,
              body: (await res.text()).slice(0, 500),
            });
          } catch (err) {
            callbacks.push({ orderNo: String(r.order_no), status: 0, body: String((err as Error).message) });
          }
        };
        await (fault === 'duplicate-callback' ? Promise.all([send(), send()]) : send());
      }
    }
    if (json) return { returnUrl: String(r.return_url), fields };
    const inputs = Object.entries(fields)
      .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
      .join('');
    return reply
      .type('text/html; charset=utf-8')
      .send(`<!doctype html><html lang="ko"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Payletter</title></head><body>
<form method="post" action="${esc(String(r.return_url))}" data-auto>${inputs}<noscript><button type="submit">상점으로 돌아가기 (back to the shop)</button></noscript></form>
<p>상점으로 돌아갑니다… (returning to the shop…)</p><script src="${esc(app.prefix)}/pgsvc/autosubmit.js"></script></body></html>`);
  });

  app.post('/v1.0/payments/status', async (req, reply) => {
    if (!key(req, SIM_SEARCH_KEY) && !key(req, SIM_PAYMENT_KEY))
      return fail(reply, 401, 998, 'authentication failed');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const p = [...payments.values()].find((x) => String(x.request.order_no) === String(b.order_no));
    if (b.client_id !== SIM_CLIENT_ID || !p) return fail(reply, 406, 3001, 'no such order');
    return {
      code: 0,
      message: 'ok',
      client_id: SIM_CLIENT_ID,
      order_no: String(p.request.order_no),
      token: p.token,
      tid: p.tid ?? '',
      status_code: p.status,
    };
  });

  const cancel = (partial: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    if (!key(req, SIM_PAYMENT_KEY)) return fail(reply, 401, 998, 'authentication failed');
    const b = (req.body ?? {}) as Record<string, unknown>;
    for (const f of ['pgcode', 'client_id', 'user_id', 'tid', 'ip_addr', ...(partial ? ['amount'] : [])]) {
      if (b[f] === undefined || b[f] === '') return fail(reply, 406, 2001, `${f} is required`);
    }
    const p = byTid.get(String(b.tid));
    if (p?.status !== 5 || String(p.request.user_id) !== String(b.user_id))
      return fail(reply, 406, 4001, 'no such transaction');
    const left = Number(p.request.amount) - p.cancelled;
    const amount = b.amount === undefined ? left : Number(b.amount);
    if (!Number.isInteger(amount) || amount < 1 || amount > left)
      return fail(reply, 406, 4002, `amount must be 1 to ${left}`);
    if (!partial && amount !== left) return fail(reply, 406, 4003, 'a whole cancel cancels what is left');
    p.cancelled += amount;
    return { tid: p.tid, cid: p.cid, amount, cancel_date: stamp().at };
  };
  app.post('/v1.0/payments/cancel', cancel(false));
  app.post('/v1.0/payments/cancel/partial', cancel(true));

  /** Not Payletter's: what the stand-in sent to callback URLs, for tests and curious people. */
  app.get('/_log', async () => ({ callbacks }));
}
