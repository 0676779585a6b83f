import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS, SIM_CLIENT_ID, SIM_PAYMENT_KEY, SIM_SEARCH_KEY } from '../../sims/payletter/index.ts';
import { startStandIn } from '../../sims/standins.ts';
import { selectRows } from '../../src/platform/db.ts';
import { invalidField } from '../../src/platform/errors.ts';
import type { DomainEvent } from '../../src/platform/events/types.ts';
import { defineModule } from '../../src/platform/module.ts';
import { payhash } from '../../src/platform/payments/payletter.ts';
import { backends, client, eventually, login, startApp, type TestApp } from '../helpers.ts';

declare module '../../src/platform/module.ts' {
  interface ModuleApis {
    shop: Record<string, never>;
  }
}

/** Events the test module heard (a module acting on payment.paid / payment.refunded). */
const heard: DomainEvent[] = [];

/** A module that sells something: it registers the purpose `test` and listens for payments. */
const shop = defineModule({
  name: 'shop',
  create: (ctx) => {
    ctx.payments.register({
      name: 'test',
      check: async ({ amount }) => {
        if (amount > 50_000) throw invalidField('amount', 'at most 50,000 won');
        return { productName: `테스트 상품 ${amount.toLocaleString('ko-KR')}원` };
      },
    });
    return {
      api: {},
      consumers: [
        {
          name: 'shop.payments',
          topics: ['payment.paid', 'payment.refunded'],
          handle: async (e: DomainEvent) => void heard.push(e),
        },
      ],
    };
  },
});

type Order = {
  id: string;
  state: string;
  amount: number;
  tid: string | null;
  refundedAmount: number;
  userId: string;
};
type User = Awaited<ReturnType<typeof login>>;

describe.each(backends)('payments through the Payletter stand-in (%s)', (backend) => {
  let t: TestApp;
  let sim: Awaited<ReturnType<typeof startStandIn>>;
  let buyer: User;
  let other: User;
  let admin: User;

  beforeAll(async () => {
    sim = await startStandIn('payletter');
    t = await startApp(
      backend,
      {},
      {
        modules: [shop],
        env: {
          PAYLETTER_URL: sim.url,
          PAYLETTER_CLIENT_ID: SIM_CLIENT_ID,
          PAYLETTER_PAYMENT_KEY: SIM_PAYMENT_KEY,
          PAYLETTER_SEARCH_KEY: SIM_SEARCH_KEY,
        },
      },
    );
    // The callback and return URLs handed to the gateway are built on the public URL: this server's.
    t.config.publicUrl = t.url;
    buyer = await login(t);
    other = await login(t);
    admin = await login(t, 'admin');
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    await sim?.close();
  });

  const start = async (who: User = buyer, amount = 5000, device: 'pc' | 'mobile' = 'pc') => {
    const res = await who.api.post<{ orderId: string; redirectUrl: string }>('/api/payments/orders', {
      purpose: 'test',
      ref: `ref-${randomUUID().slice(0, 8)}`,
      amount,
      device,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data as { orderId: string; redirectUrl: string };
  };

  /** The buyer presses a button on the stand-in's page (a switch in `fault`). */
  const press = async (redirectUrl: string, action: 'pay' | 'fail' | 'cancel', fault?: string) => {
    const token = new URL(redirectUrl).searchParams.get('token') as string;
    const res = await fetch(`${sim.url}/pgsvc/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token, action, fault }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { returnUrl?: string; cancelUrl?: string; fields?: Record<string, string> };
  };

  /** The browser posted back to the return URL as a form, as the gateway makes it do. */
  const comeBack = async (url: string, fields: Record<string, string>) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    return { status: res.status, location: res.headers.get('location') ?? '' };
  };

  const order = async (id: string) => {
    const res = await admin.api.get<{ order: Order }>(`/api/payments/orders/${id}`);
    return res.body.data?.order as Order;
  };
  const outbox = async (topic: string, id: string) =>
    (
      await selectRows<{ n: unknown }>(
        t.y.ctx.database.db,
        sql`select count(*) as n from outbox where topic = ${topic} and payload->>'orderId' = ${id}`,
      )
    )[0].n;
  const logRows = async (word: string) =>
    (await t.y.ctx.serverLog.search({ source: 'payments', q: word, limit: 50 })).rows;
  const simLog = async (orderNo: string) =>
    (
      (await (await fetch(`${sim.url}/_log`)).json()) as {
        callbacks: { orderNo: string; status: number; body: string }[];
      }
    ).callbacks.filter((c) => c.orderNo === orderNo);

  it('pays once: the callback settles it after checking payhash, amount and status; the return finds it paid', async () => {
    const { orderId, redirectUrl } = await start();
    expect(redirectUrl.startsWith(`${sim.url}/pgsvc/hub.asp?location=online&token=`)).toBe(true);
    expect((await order(orderId)).state).toBe('created');
    const page = await fetch(redirectUrl);
    expect(await page.text()).toContain('테스트 상품 5,000원');

    const back = await press(redirectUrl, 'pay');
    expect(await simLog(orderId)).toEqual([
      { orderNo: orderId, status: 200, body: JSON.stringify({ code: 0, message: 'ok' }) },
    ]);
    const paid = await order(orderId);
    expect(paid).toMatchObject({ state: 'paid', tid: back.fields?.tid, amount: 5000 });
    expect(back.fields?.payhash).toBe(payhash(paid.userId, 5000, paid.tid as string, SIM_PAYMENT_KEY));

    const r = await comeBack(back.returnUrl as string, back.fields as Record<string, string>);
    expect(r).toEqual({ status: 303, location: `/payments/result/${orderId}` });
    expect(Number(await outbox('payment.paid', orderId))).toBe(1);
    await eventually(async () =>
      heard.some((e) => e.topic === 'payment.paid' && e.payload.orderId === orderId),
    );
    const event = heard.find((e) => e.payload.orderId === orderId);
    expect(event?.payload).toMatchObject({
      userId: paid.userId,
      purpose: 'test',
      amount: 5000,
      tid: paid.tid,
    });
    // The raw payloads are kept, the keys are not anywhere in the answer.
    const list = await admin.api.get<{ orders: { id: string; records: Record<string, unknown[]> }[] }>(
      '/api/admin/payments?state=paid',
    );
    const row = list.body.data?.orders.find((o) => o.id === orderId);
    expect(Object.keys(row?.records ?? {}).sort()).toEqual(['callback', 'create', 'return', 'status']);
    // The 18-digit token is kept exactly (a JS number would round it).
    expect(row?.records.create?.[1]).toMatchObject({ token: new URL(redirectUrl).searchParams.get('token') });
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(SIM_PAYMENT_KEY);
    expect(text).not.toContain(SIM_SEARCH_KEY);
  });

  it('sends the phone page for device mobile', async () => {
    const { redirectUrl } = await start(buyer, 1000, 'mobile');
    expect(new URL(redirectUrl).searchParams.get('location')).toBe('mobile');
  });

  it('a duplicate callback (two at once, then a third) pays once and is answered 200', async () => {
    const { orderId, redirectUrl } = await start();
    const back = await press(redirectUrl, 'pay', 'duplicate-callback');
    const calls = await simLog(orderId);
    expect(calls.map((c) => c.status)).toEqual([200, 200]);
    expect(calls.map((c) => JSON.parse(c.body).message).sort()).toEqual(['already settled', 'ok']);
    // A replay of the very same callback, five at once: nothing changes.
    const again = await Promise.all(
      Array.from({ length: 5 }, () => client(t.url).post('/api/payments/payletter/callback', back.fields)),
    );
    expect(again.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(Number(await outbox('payment.paid', orderId))).toBe(1);
    expect((await order(orderId)).state).toBe('paid');
    expect(
      (await logRows('duplicate')).some((r) => (r.data as { orderId?: string })?.orderId === orderId),
    ).toBe(true);
  });

  it('with no callback, the browser’s return and the status query settle the order', async () => {
    const { orderId, redirectUrl } = await start();
    const back = await press(redirectUrl, 'pay', 'no-callback');
    expect(await simLog(orderId)).toEqual([]);
    expect((await order(orderId)).state).toBe('created');
    const r = await comeBack(back.returnUrl as string, back.fields as Record<string, string>);
    expect(r.location).toBe(`/payments/result/${orderId}`);
    expect((await order(orderId)).state).toBe('paid');
    expect(Number(await outbox('payment.paid', orderId))).toBe(1);
  });

  it.each([
    ['wrong-hash', 'bad_signature'],
    ['wrong-amount', 'amount_mismatch'],
  ])('refuses a callback and a return with %s (400, nothing changed, logged)', async (fault, reason) => {
    const { orderId, redirectUrl } = await start();
    const back = await press(redirectUrl, 'pay', fault);
    const calls = await simLog(orderId);
    expect(calls.map((c) => c.status)).toEqual([400]);
    expect(JSON.parse(calls[0].body)).toMatchObject({ code: 400, data: { reason } });
    const r = await comeBack(back.returnUrl as string, back.fields as Record<string, string>);
    expect(r.location).toBe(`/payments/result/${orderId}?problem=${reason}`);
    const o = await order(orderId);
    expect(o).toMatchObject({ state: 'created', tid: null });
    expect(Number(await outbox('payment.paid', orderId))).toBe(0);
    const rows = (await logRows(reason)).filter((x) => (x.data as { orderId?: string })?.orderId === orderId);
    expect(rows.map((x) => (x.data as { kind: string }).kind).sort()).toEqual(['callback', 'return']);
  });

  it('refuses a callback for an unknown order (404) and one replayed onto another order (409)', async () => {
    const { orderId, redirectUrl } = await start();
    const back = await press(redirectUrl, 'pay', 'no-callback');
    const fields = back.fields as Record<string, string>;
    const unknown = await client(t.url).post('/api/payments/payletter/callback', {
      ...fields,
      order_no: randomUUID(),
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.data).toMatchObject({ reason: 'unknown_order' });
    // A valid signed result of this payment pointed at a second order of the same buyer and amount:
    // payhash does not cover order_no, the gateway's status for that order does.
    const second = await start();
    const replay = await client(t.url).post('/api/payments/payletter/callback', {
      ...fields,
      order_no: second.orderId,
    });
    expect(replay.status).toBe(409);
    expect(replay.body.data).toMatchObject({ reason: 'not_completed' });
    expect((await order(second.orderId)).state).toBe('created');
    expect((await order(orderId)).state).toBe('created');
    // Its own order still settles with it.
    const own = await client(t.url).post('/api/payments/payletter/callback', fields);
    expect(own.status).toBe(200);
    expect((await order(orderId)).state).toBe('paid');
    // And afterwards the same result onto the second order is still refused.
    const late = await client(t.url).post('/api/payments/payletter/callback', {
      ...fields,
      order_no: second.orderId,
    });
    expect(late.status).toBe(409);
    expect(Number(await outbox('payment.paid', second.orderId))).toBe(0);
    expect((await logRows('unknown_order')).length).toBeGreaterThan(0);
    expect(
      (await logRows('not_completed')).some(
        (r) => (r.data as { orderId?: string }).orderId === second.orderId,
      ),
    ).toBe(true);
  });

  it('a failed payment becomes failed, an abandoned one cancelled', async () => {
    const a = await start();
    const failed = await press(a.redirectUrl, 'fail');
    expect(
      (await comeBack(failed.returnUrl as string, failed.fields as Record<string, string>)).location,
    ).toBe(`/payments/result/${a.orderId}`);
    expect((await order(a.orderId)).state).toBe('failed');
    const b = await start();
    const left = await press(b.redirectUrl, 'cancel');
    const res = await fetch(left.cancelUrl as string, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/payments/result/${b.orderId}`);
    expect((await order(b.orderId)).state).toBe('cancelled');
    expect(Number(await outbox('payment.paid', a.orderId))).toBe(0);
  });

  it('shows an order to its owner and admins only (others: 404, logged)', async () => {
    const { orderId } = await start();
    expect((await buyer.api.get(`/api/payments/orders/${orderId}`)).status).toBe(200);
    expect((await admin.api.get(`/api/payments/orders/${orderId}`)).status).toBe(200);
    const peek = await other.api.get(`/api/payments/orders/${orderId}`);
    expect(peek.status).toBe(404);
    expect((await client(t.url).get(`/api/payments/orders/${orderId}`)).status).toBe(401);
    expect((await logRows('owner')).some((r) => (r.data as { orderId?: string }).orderId === orderId)).toBe(
      true,
    );
  });

  it('refunds in parts at the gateway, refuses more than is left, and tells the module once per refund', async () => {
    const { orderId, redirectUrl } = await start(buyer, 5000);
    await press(redirectUrl, 'pay');
    const part = await admin.api.post<{ order: Order }>(`/api/admin/payments/${orderId}/cancel`, {
      amount: 2000,
    });
    expect(part.status).toBe(200);
    expect(part.body.data?.order).toMatchObject({ state: 'refunded', refundedAmount: 2000 });
    const over = await admin.api.post(`/api/admin/payments/${orderId}/cancel`, { amount: 4000 });
    expect(over.status).toBe(400);
    expect(over.body.data).toMatchObject({ errors: [{ path: 'amount', message: 'at most 3,000' }] });
    expect((await order(orderId)).refundedAmount).toBe(2000);
    expect((await logRows('refused')).some((r) => (r.data as { orderId?: string }).orderId === orderId)).toBe(
      true,
    );
    const rest = await admin.api.post<{ order: Order }>(`/api/admin/payments/${orderId}/cancel`, {});
    expect(rest.body.data?.order).toMatchObject({ state: 'refunded', refundedAmount: 5000 });
    const more = await admin.api.post(`/api/admin/payments/${orderId}/cancel`, {});
    expect(more.status).toBe(409);
    expect(Number(await outbox('payment.refunded', orderId))).toBe(2);
    await eventually(
      async () =>
        heard.filter((e) => e.topic === 'payment.refunded' && e.payload.orderId === orderId).length === 2,
    );
    // Not the admin's to do when the user tries it.
    expect((await buyer.api.post(`/api/admin/payments/${orderId}/cancel`, {})).status).toBe(403);
  });

  it('cancels an unpaid order without the gateway; a paid order cancelled whole is refunded whole', async () => {
    const a = await start();
    const res = await admin.api.post<{ order: Order }>(`/api/admin/payments/${a.orderId}/cancel`, {});
    expect(res.body.data?.order.state).toBe('cancelled');
    const b = await start(buyer, 3000);
    await press(b.redirectUrl, 'pay');
    const whole = await admin.api.post<{ order: Order }>(`/api/admin/payments/${b.orderId}/cancel`, {});
    expect(whole.body.data?.order).toMatchObject({ state: 'refunded', refundedAmount: 3000 });
    await eventually(async () =>
      heard.some(
        (e) => e.topic === 'payment.refunded' && e.payload.orderId === b.orderId && e.payload.full === true,
      ),
    );
  });

  it('lists orders for admins by state, user and purpose', async () => {
    const { orderId } = await start(other, 1234);
    const byUser = await admin.api.get<{ orders: Order[]; purposes: string[] }>(
      `/api/admin/payments?user=${encodeURIComponent(other.email)}`,
    );
    expect(byUser.body.data?.orders.map((o) => o.id)).toEqual([orderId]);
    expect(byUser.body.data?.purposes).toEqual(['test']);
    const created = await admin.api.get<{ orders: Order[] }>(
      '/api/admin/payments?state=created&purpose=test',
    );
    expect(created.body.data?.orders.every((o) => o.state === 'created')).toBe(true);
    expect((await admin.api.get('/api/admin/payments?state=lost')).status).toBe(400);
    expect((await other.api.get('/api/admin/payments')).status).toBe(403);
  });

  it('refuses bad orders with a 4xx naming the field, and makes none', async () => {
    const tooMuch = await buyer.api.post('/api/payments/orders', {
      purpose: 'test',
      ref: 'x',
      amount: 60_000,
    });
    expect(tooMuch.status).toBe(400);
    const before = (await admin.api.get<{ orders: Order[] }>('/api/admin/payments?limit=200')).body.data
      ?.orders.length;
    const cases: [Record<string, unknown>, string][] = [
      [{ purpose: 'nope', ref: 'x', amount: 1000 }, 'purpose'],
      [{ purpose: 'test', ref: 'x', amount: 0 }, 'body.amount'],
      [{ purpose: 'test', ref: 'x', amount: 10.5 }, 'body.amount'],
      [{ purpose: 'test', ref: '', amount: 1000 }, 'body.ref'],
      [{ purpose: 'test', ref: 'x', amount: 1000, userId: other.email }, 'body.userId'],
    ];
    for (const [body, path] of cases) {
      const res = await buyer.api.post('/api/payments/orders', body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect((res.body.data as { errors: { path: string }[] }).errors[0].path).toBe(path);
    }
    expect(
      (await admin.api.get<{ orders: Order[] }>('/api/admin/payments?limit=200')).body.data?.orders.length,
    ).toBe(before);
  });

  it('knows every stand-in switch', () => {
    expect([...FAULTS].sort()).toEqual(['duplicate-callback', 'no-callback', 'wrong-amount', 'wrong-hash']);
  });
});
