import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_CLIENT_ID, SIM_PAYMENT_KEY, SIM_SEARCH_KEY } from '../../sims/payletter/index.ts';
import { startStandIn } from '../../sims/standins.ts';
import type { PointItem } from '../../src/modules/consult/points.ts';
import type { AdminPurchaseView, PurchaseView } from '../../src/modules/consult/purchases.ts';
import { selectRows } from '../../src/platform/db.ts';
import type { PaymentPaid } from '../../src/platform/payments/index.ts';
import { backends, client, eventually, login, startApp, type TestApp } from '../helpers.ts';

/**
 * Buying points through the Payletter stand-in over real HTTP: checkout → the gateway → the
 * callback → credited once (however often it is delivered), refunds that take back only unspent
 * paid points, the admins' lists and the refusals of bad input.
 */
type User = Awaited<ReturnType<typeof login>> & { id: string };
type Balance = { paid: number; bonus: number; available: number; held: number };
type Started = { purchase: PurchaseView; orderId: string; redirectUrl: string };

describe.each(backends)('consult points through the Payletter stand-in (%s)', (backend) => {
  let t: TestApp;
  let sim: Awaited<ReturnType<typeof startStandIn>>;
  let admin: User;
  let item: PointItem;
  let small: PointItem;
  let hidden: PointItem;

  const who = async (role: 'user' | 'admin' = 'user'): Promise<User> => {
    const u = await login(t, role);
    const [row] = await selectRows<{ id: string }>(
      t.y.ctx.database.db,
      sql`select id from users where email = ${u.email}`,
    );
    return { ...u, id: row.id };
  };

  beforeAll(async () => {
    sim = await startStandIn('payletter');
    t = await startApp(
      backend,
      {},
      {
        env: {
          PAYLETTER_URL: sim.url,
          PAYLETTER_CLIENT_ID: SIM_CLIENT_ID,
          PAYLETTER_PAYMENT_KEY: SIM_PAYMENT_KEY,
          PAYLETTER_SEARCH_KEY: SIM_SEARCH_KEY,
        },
      },
    );
    t.config.publicUrl = t.url;
    admin = await who('admin');
    const add = async (body: Record<string, unknown>) => {
      const res = await admin.api.post<{ item: PointItem }>('/api/consult/admin/point-items', body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.data?.item as PointItem;
    };
    item = await add({ name: '3만원', price: 30_000, points: 30_000, bonus: 3_000, position: 2 });
    small = await add({ name: '1만원', price: 10_000, points: 10_000, position: 1 });
    hidden = await add({ name: '옛 상품', price: 5_000, points: 5_000, active: false });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    await sim?.close();
  });

  const checkout = async (u: User, it: PointItem = item, device: 'pc' | 'mobile' = 'pc') => {
    const res = await u.api.post<Started>('/api/consult/points/checkout', { itemId: it.id, device });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data as Started;
  };
  const press = async (redirectUrl: string, fault?: string) => {
    const token = new URL(redirectUrl).searchParams.get('token') as string;
    const res = await fetch(`${sim.url}/pgsvc/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token, action: 'pay', fault }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { returnUrl: string; fields: Record<string, string> };
  };
  const balance = async (u: User) =>
    (await u.api.get<{ balance: Balance }>('/api/consult/wallet')).body.data?.balance as Balance;
  const purchase = async (u: User, orderId: string) =>
    (await u.api.get<{ purchase: PurchaseView }>(`/api/consult/purchases/order/${orderId}`)).body.data
      ?.purchase as PurchaseView;
  const credited = (u: User, orderId: string) =>
    eventually(async () => (await purchase(u, orderId)).state === 'credited', 20_000);
  const transfersOf = async (purchaseId: string) =>
    selectRows<{ id: string; amount: unknown }>(
      t.y.ctx.database.db,
      sql`select id, amount from ledger_transfers where ref = ${purchaseId} order by id`,
    );
  const purchaseCount = async () =>
    Number(
      (
        await selectRows<{ n: unknown }>(
          t.y.ctx.database.db,
          sql`select count(*) as n from consult_purchases`,
        )
      )[0].n,
    );

  it('a callback delivered 5 times credits once: paid points to the wallet, bonus to the bonus wallet', async () => {
    const buyer = await who();
    const before = await balance(buyer);
    expect(before).toMatchObject({ paid: 0, bonus: 3000 }); // the sign-up bonus
    const started = await checkout(buyer);
    expect(started.purchase).toMatchObject({ state: 'pending', price: 30_000, points: 30_000, bonus: 3_000 });
    // The stand-in sends no callback here; we deliver the signed one ourselves, five times at once.
    const back = await press(started.redirectUrl, 'no-callback');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => client(t.url).post('/api/payments/payletter/callback', back.fields)),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    await credited(buyer, started.orderId);
    // The browser's return lands on the shop's own result page.
    const ret = await fetch(back.returnUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(back.fields).toString(),
      redirect: 'manual',
    });
    expect(ret.status).toBe(303);
    expect(ret.headers.get('location')).toBe(`/consult/points/result/${started.orderId}`);
    // And the event itself redelivered five times at once (at-least-once delivery) changes nothing.
    const event: PaymentPaid = {
      orderId: started.orderId,
      userId: buyer.id,
      purpose: 'consult.points',
      ref: started.purchase.id,
      amount: 30_000,
      gateway: 'payletter',
      tid: back.fields.tid,
    };
    const again = await Promise.all(Array.from({ length: 5 }, () => t.y.consult.purchases.credit(event)));
    expect(again).toEqual(['already', 'already', 'already', 'already', 'already']);
    expect(await balance(buyer)).toMatchObject({ paid: 30_000, bonus: 6_000, available: 36_000 });
    expect((await transfersOf(started.purchase.id)).map((r) => [r.id, Number(r.amount)])).toEqual([
      [`consult:purchase:${started.purchase.id}:bonus`, 3_000],
      [`consult:purchase:${started.purchase.id}:points`, 30_000],
    ]);
    const notices = await selectRows<{ n: unknown }>(
      t.y.ctx.database.db,
      sql`select count(*) as n from notifications n join users u on u.id = n.user_id
          where u.email = ${buyer.email} and n.kind = 'consult.points'`,
    );
    expect(Number(notices[0].n)).toBe(1);
    expect((await t.y.ctx.ledger.check()).ok).toBe(true);
  }, 60_000);

  it('a tampered amount does not credit; the purchase stays pending', async () => {
    const buyer = await who();
    const started = await checkout(buyer, small);
    await press(started.redirectUrl, 'wrong-amount');
    // A correctly signed result for another order's amount, delivered by hand: refused too.
    const forged = await client(t.url).post('/api/payments/payletter/callback', {
      order_no: started.orderId,
      user_id: buyer.id,
      amount: '1',
      tid: 'forged-tid',
      payhash: 'X',
    });
    expect(forged.status).toBe(400);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await purchase(buyer, started.orderId)).state).toBe('pending');
    expect(await balance(buyer)).toMatchObject({ paid: 0, bonus: 3000 });
    expect(await transfersOf(started.purchase.id)).toEqual([]);
  });

  it('refuses unknown, inactive and malformed items, and orders for points made outside the shop', async () => {
    const buyer = await who();
    const n = await purchaseCount();
    for (const itemId of [randomUUID(), hidden.id, 'not-an-id']) {
      const res = await buyer.api.post('/api/consult/points/checkout', { itemId });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect((res.body.data as { errors: { path: string }[] }).errors[0].path).toBe('body.itemId');
    }
    const extra = await buyer.api.post('/api/consult/points/checkout', { itemId: item.id, price: 1 });
    expect(extra.status).toBe(400);
    const direct = await buyer.api.post('/api/payments/orders', {
      purpose: 'consult.points',
      ref: item.id,
      amount: 100,
    });
    expect(direct.status).toBe(400);
    expect((direct.body.data as { errors: { path: string }[] }).errors[0].path).toBe('purpose');
    expect(await purchaseCount()).toBe(n);
    expect((await client(t.url).post('/api/consult/points/checkout', { itemId: item.id })).status).toBe(401);
    // The shop lists only what is on sale.
    const shop = await client(t.url).get<{ items: PointItem[] }>('/api/consult/point-items');
    expect(shop.body.data?.items.map((i) => i.name)).toEqual(['1만원', '3만원']);
  });

  it('refunds once: cancelled at the gateway, only the unspent paid points taken back, never bonus', async () => {
    const buyer = await who();
    const started = await checkout(buyer);
    await press(started.redirectUrl);
    await credited(buyer, started.orderId);
    // Spend 10,000: bonus points first (3,000 sign-up + 3,000 purchase bonus), then 4,000 paid.
    const counselor = await who();
    const payable = await t.y.consult.wallet.payable(counselor.id);
    const holds = await t.y.consult.wallet.hold({
      id: `spend-${started.purchase.id}`,
      userId: buyer.id,
      creditAccountId: payable.id,
      amount: 10_000,
      kind: 'request',
      ref: 'test',
    });
    await t.y.ctx.ledger.postSplit({ id: `spend-${started.purchase.id}`, holds });
    expect(await balance(buyer)).toMatchObject({ paid: 26_000, bonus: 0 });

    expect((await buyer.api.post(`/api/consult/admin/purchases/${started.purchase.id}/refund`)).status).toBe(
      403,
    );
    const res = await admin.api.post<{ purchase: AdminPurchaseView }>(
      `/api/consult/admin/purchases/${started.purchase.id}/refund`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data?.purchase).toMatchObject({ state: 'refunded', refundedPoints: 26_000 });
    expect(await balance(buyer)).toMatchObject({ paid: 0, bonus: 0 });
    expect(await t.y.ctx.payments.get(started.orderId)).toMatchObject({
      state: 'refunded',
      refundedAmount: 30_000,
    });
    const twice = await admin.api.post(`/api/consult/admin/purchases/${started.purchase.id}/refund`);
    expect(twice.status).toBe(409);
    expect(twice.body.data).toMatchObject({ state: 'refunded' });
    // The payment.refunded event arrives too: nothing more is taken.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await transfersOf(started.purchase.id)).filter((r) => r.id.endsWith(':refund'))).toHaveLength(1);
    const logged = await t.y.ctx.serverLog.search({ source: 'consult', q: 'refunded', limit: 20 });
    expect(
      logged.rows.some((r) => (r.data as { purchaseId?: string })?.purchaseId === started.purchase.id),
    ).toBe(true);
    // A purchase still on the gateway's page is not refundable.
    const pending = await checkout(buyer, small);
    const other = await admin.api.post(`/api/consult/admin/purchases/${pending.purchase.id}/refund`);
    expect(other.status).toBe(409);
    expect(other.body.data).toMatchObject({ state: 'pending' });
    expect((await admin.api.post(`/api/consult/admin/purchases/${randomUUID()}/refund`)).status).toBe(404);
    expect((await t.y.ctx.ledger.check()).ok).toBe(true);
  }, 60_000);

  it('lists your purchases, every purchase for admins with filters, and hides others’ results', async () => {
    const buyer = await who();
    const nosy = await who();
    const a = await checkout(buyer, small);
    await press(a.redirectUrl);
    await credited(buyer, a.orderId);
    await checkout(buyer, small, 'mobile');
    const mine = await buyer.api.get<{ purchases: PurchaseView[] }>('/api/consult/purchases');
    expect(mine.body.data?.purchases.map((p) => p.state)).toEqual(['pending', 'credited']);
    expect(
      (await nosy.api.get<{ purchases: PurchaseView[] }>('/api/consult/purchases')).body.data?.purchases,
    ).toEqual([]);
    expect((await nosy.api.get(`/api/consult/purchases/order/${a.orderId}`)).status).toBe(404);

    const q = (s: string) =>
      admin.api.get<{ purchases: AdminPurchaseView[] }>(`/api/consult/admin/purchases?${s}`);
    const byEmail = await q(`email=${encodeURIComponent(buyer.email.slice(0, 12))}&state=credited`);
    expect(byEmail.body.data?.purchases.map((p) => [p.id, p.userEmail])).toEqual([
      [a.purchase.id, buyer.email],
    ]);
    const today = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
    expect(
      (await q(`from=${today}&to=${today}&email=${encodeURIComponent(buyer.email)}`)).body.data?.purchases,
    ).toHaveLength(2);
    expect(
      (await q(`to=2000-01-01&email=${encodeURIComponent(buyer.email)}`)).body.data?.purchases,
    ).toHaveLength(0);
    for (const [s, path] of [
      ['state=lost', 'querystring.state'],
      ['from=2026-13-45', 'querystring.from'],
      ['from=yesterday', 'querystring.from'],
      ['from=2026-05-02&to=2026-05-01', 'querystring.to'],
    ]) {
      const res = await q(s);
      expect(res.status, s).toBe(400);
      expect((res.body.data as unknown as { errors: { path: string }[] }).errors[0].path).toBe(path);
    }
    expect((await buyer.api.get('/api/consult/admin/purchases')).status).toBe(403);
  }, 60_000);

  it('point items: admins add and change them; bad figures are refused naming the field', async () => {
    const user = await who();
    expect(
      (await user.api.post('/api/consult/admin/point-items', { name: 'x', price: 1000, points: 1 })).status,
    ).toBe(403);
    expect((await user.api.get('/api/consult/admin/point-items')).status).toBe(403);
    for (const [body, path] of [
      [{ name: '', price: 1000, points: 1000 }, 'body.name'],
      [{ name: 'x', price: 0, points: 1000 }, 'body.price'],
      [{ name: 'x', price: 1000, points: 1000, bonus: -1 }, 'body.bonus'],
      [{ name: 'x', price: 1000, points: 1.5 }, 'body.points'],
    ] as const) {
      const res = await admin.api.post('/api/consult/admin/point-items', body);
      expect(res.status).toBe(400);
      expect((res.body.data as { errors: { path: string }[] }).errors[0].path).toBe(path);
    }
    const changed = await admin.api.patch<{ item: PointItem }>(
      `/api/consult/admin/point-items/${hidden.id}`,
      {
        bonus: 500,
      },
    );
    expect(changed.body.data?.item).toMatchObject({ bonus: 500, active: false });
    expect(
      (await admin.api.patch(`/api/consult/admin/point-items/${randomUUID()}`, { bonus: 1 })).status,
    ).toBe(404);
    const all = await admin.api.get<{ items: PointItem[] }>('/api/consult/admin/point-items');
    expect(all.body.data?.items.map((i) => i.name)).toEqual(['옛 상품', '1만원', '3만원']);
  });

  it('settlement: each linked counselor’s earned points in the period, as JSON and CSV', async () => {
    const buyer = await who();
    const person = await who();
    const code = String(700 + Math.floor(Math.random() * 99));
    await t.y.consult.counselors.applyLines([
      { code, name: '정산 상담사', ratePer30s: 500, grade: '', status: 'online' },
    ]);
    const c =
      (await t.y.consult.counselors.byUser(person.id)) ??
      (
        await selectRows<{ id: string }>(
          t.y.ctx.database.db,
          sql`select id from consult_counselors where code = ${code}`,
        )
      )[0];
    await t.y.consult.counselors.link(c.id, person.id);
    await t.y.consult.wallet.profile(buyer.id); // 3,000 sign-up bonus points to spend
    const payable = await t.y.consult.wallet.payable(person.id);
    const holds = await t.y.consult.wallet.hold({
      id: `settle-${code}-${buyer.id}`,
      userId: buyer.id,
      creditAccountId: payable.id,
      amount: 2_500,
      kind: 'request',
      ref: 'settle',
    });
    await t.y.ctx.ledger.postSplit({ id: `settle-${code}-${buyer.id}`, holds });
    const today = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
    const json = await admin.api.get<{
      rows: { code: string; earned: number; accumulated: number; email: string }[];
    }>(`/api/consult/admin/settlement?from=${today}&to=${today}`);
    expect(json.status).toBe(200);
    expect(json.body.data?.rows.find((r) => r.code === code)).toMatchObject({
      earned: 2_500,
      accumulated: 2_500,
      email: person.email,
    });
    const old = await admin.api.get<{ rows: { code: string; earned: number }[] }>(
      '/api/consult/admin/settlement?from=2020-01-01&to=2020-01-31',
    );
    expect(old.body.data?.rows.find((r) => r.code === code)?.earned).toBe(0);
    const csv = await admin.api.raw(`/api/consult/admin/settlement?from=${today}&to=${today}&format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // a BOM, for spreadsheets
    const text = bytes.toString('utf8');
    expect(text).toContain(
      'period_from,period_to,code,name,email,earned_points,transfers,accumulated_points',
    );
    expect(text).toContain(`,${code},정산 상담사,${person.email},2500,1,2500`);
    expect((await admin.api.get('/api/consult/admin/settlement?from=2026-02-01&to=2026-01-01')).status).toBe(
      400,
    );
    expect((await admin.api.get('/api/consult/admin/settlement?from=2020-01-01&to=2026-01-01')).status).toBe(
      400,
    );
    expect((await buyer.api.get(`/api/consult/admin/settlement?from=${today}&to=${today}`)).status).toBe(403);
  });

  it('profile: a Korean mobile phone kept as digits, a picture only of your own uploads', async () => {
    const u = await who();
    const other = await who();
    expect((await u.api.get('/api/consult/profile')).body.data).toEqual({
      profile: { phone: null, image: null },
    });
    const saved = await u.api.patch<{ profile: { phone: string } }>('/api/consult/profile', {
      phone: '010-1234-5678',
    });
    expect(saved.body.data?.profile.phone).toBe('01012345678');
    for (const phone of ['02-123-4567', '010-12-34', '+82 10 1234 5678', '010123456789']) {
      const res = await u.api.patch('/api/consult/profile', { phone });
      expect(res.status, phone).toBe(400);
      expect((res.body.data as { errors: { path: string }[] }).errors[0].path).toBe('body.phone');
    }
    const [{ id: fileId }] = await selectRows<{ id: string }>(
      t.y.ctx.database.db,
      sql`insert into files (owner_id, purpose, original_mime, width, height)
          values (${other.id}, 'profile', 'image/png', 10, 10) returning id`,
    );
    const theirs = await u.api.patch('/api/consult/profile', { imageFileId: fileId });
    expect(theirs.status).toBe(400);
    expect((theirs.body.data as { errors: { path: string }[] }).errors[0].path).toBe('body.imageFileId');
    const own = await other.api.patch<{ profile: { image: { id: string } } }>('/api/consult/profile', {
      imageFileId: fileId,
    });
    expect(own.body.data?.profile.image.id).toBe(fileId);
    expect(
      (await u.api.get<{ profile: { phone: string } }>('/api/consult/profile')).body.data?.profile.phone,
    ).toBe('01012345678');
  });
});
