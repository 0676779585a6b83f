import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_PHONE060_KEY, SIM_PHONE060_WEBHOOK_SECRET } from '../../sims/phone060/index.ts';
import { startStandIn } from '../../sims/standins.ts';
import type { CallView } from '../../src/modules/consult/calls.ts';
import { Phone060, phone060Signature } from '../../src/modules/consult/phone060/index.ts';
import { selectRows } from '../../src/platform/db.ts';
import { backends, eventually, login, startApp, type TestApp } from '../helpers.ts';

/**
 * Phone consultations against the 060 stand-in over real HTTP: sync the counselors, hold and buy
 * time, a simulated call billed by its signed call.ended (once, however often it comes), refusals of
 * forged or unknown events, the minimum balance, and the release of a call never made.
 */
type User = Awaited<ReturnType<typeof login>> & { id: string };
type Balance = { paid: number; bonus: number; available: number; held: number };

describe.each(backends)('consult phone calls through the 060 stand-in (%s)', (backend) => {
  let t: TestApp;
  let sim: Awaited<ReturnType<typeof startStandIn>>;
  let admin: User;
  const ids = new Map<string, string>();

  const who = async (role: 'user' | 'admin' = 'user'): Promise<User> => {
    const u = await login(t, role);
    const [row] = await selectRows<{ id: string }>(
      t.y.ctx.database.db,
      sql`select id from users where email = ${u.email}`,
    );
    return { ...u, id: row?.id as string };
  };
  const fund = async (userId: string, points: number) => {
    const { paid } = await t.y.consult.wallet.accounts(userId);
    const clearing = await t.y.ctx.ledger.system('pg_clearing');
    await t.y.ctx.ledger.transfer({
      id: `test-fund-${userId}-${points}`,
      debitAccountId: clearing.id,
      creditAccountId: paid.id,
      amount: points,
      kind: 'purchase',
    });
  };
  const balance = async (u: User) =>
    (await u.api.get<{ balance: Balance }>('/api/consult/wallet')).body.data?.balance as Balance;
  const signed = (body: string, secret = SIM_PHONE060_WEBHOOK_SECRET) => {
    const ts = String(Math.floor(Date.now() / 1000));
    return {
      'content-type': 'application/json',
      'x-060-timestamp': ts,
      'x-060-signature': `sha256=${phone060Signature(ts, body, secret)}`,
    };
  };
  const hook = (body: string, headers: Record<string, string>) =>
    fetch(`${t.url}/api/consult/phone060/webhook`, { method: 'POST', headers, body });

  beforeAll(async () => {
    sim = await startStandIn('phone060');
    t = await startApp(
      backend,
      {},
      {
        env: {
          PHONE060_URL: sim.url,
          PHONE060_KEY: SIM_PHONE060_KEY,
          PHONE060_WEBHOOK_SECRET: SIM_PHONE060_WEBHOOK_SECRET,
        },
      },
    );
    // A real vendor is told the webhook URL in its dashboard; the stand-in through its API.
    await new Phone060({ url: sim.url, apiKey: SIM_PHONE060_KEY }).registerWebhook(
      `${t.url}/api/consult/phone060/webhook`,
    );
    admin = await who('admin');
    const synced = await admin.api.post<{ result: Record<string, number> }>(
      '/api/consult/admin/counselors/sync',
    );
    expect(synced.status, JSON.stringify(synced.body)).toBe(200);
    // The sync job may have run first (the table was empty at start): together they saw all five.
    const r = synced.body.data?.result as Record<string, number>;
    expect((r.added ?? 0) + (r.updated ?? 0)).toBe(5);
    const list = await admin.api.get<{
      counselors: { id: string; code: string; userId: string | null; email: string | null }[];
    }>('/api/consult/admin/counselors');
    for (const c of list.body.data?.counselors ?? []) ids.set(c.code, c.id);
    // 101 came with an e-mail and was linked (an account made and invited); link 102 by hand.
    expect(list.body.data?.counselors.find((c) => c.code === '101')?.email).toBe('counselor@yeyak.local');
    const linked = await admin.api.post(`/api/consult/admin/counselors/${ids.get('102')}/link`, {
      email: 'dalbit@test.yeyak',
    });
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    // Auto-online would take them offline (they use no app here): off, and online at 060 by hand.
    await t.y.ctx.database.db.execute(sql`update consult_counselors set auto_online = false`);
    for (const code of ['101', '102'])
      await t.y.consult.sync.setStatus(ids.get(code) as string, code, 'online');
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    await sim?.close();
  });

  it('a call holds the balance, buys the time, and call.ended bills units × rate once (bonus first)', async () => {
    const u = await who();
    await fund(u.id, 30_000);
    const before = await balance(u);
    // 30,000 paid + the 3,000 sign-up bonus
    expect(before).toMatchObject({ paid: 30_000, bonus: 3_000, available: 33_000 });
    const quote = await u.api.get<{ minimum: number; seconds: number }>(
      `/api/consult/counselors/${ids.get('102')}/call`,
    );
    expect(quote.body.data).toMatchObject({ minimum: 10 * 2 * 1300, seconds: 750 });
    const started = await u.api.post<{ call: CallView }>('/api/consult/calls', {
      counselorId: ids.get('102'),
      phone: '010-5555-0102',
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const call = started.body.data?.call as CallView;
    expect(call).toMatchObject({ code: '102', held: 32_500, secondsBought: 750, state: 'open' });
    expect(call.dialNumber).toBeTruthy();
    expect((await balance(u)).available).toBe(500);
    // A second call while this one is open is refused.
    const twice = await u.api.post('/api/consult/calls', {
      counselorId: ids.get('102'),
      phone: '01055550102',
    });
    expect(twice.status).toBe(409);

    const talk = await fetch(`${sim.url}/simulate/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '01055550102', code: '102', seconds: 95 }),
    });
    expect(talk.status, await talk.clone().text()).toBe(200);
    await eventually(async () => {
      const now = await u.api.get<{ call: CallView }>(`/api/consult/calls/${call.id}`);
      expect(now.body.data?.call).toMatchObject({ state: 'ended', billedSeconds: 120, charged: 4 * 1300 });
      return true;
    });
    // 5,200 spent: the 3,000 bonus first, then 2,200 paid; the rest released.
    expect(await balance(u)).toMatchObject({ bonus: 0, paid: 27_800, available: 27_800, held: 0 });
    const counselor = await t.y.consult.counselors.byIdOr404(ids.get('102') as string);
    expect((await t.y.consult.wallet.payable(counselor.userId as string)).balance).toBe(5_200);
    // The unused 630 s went back at 060.
    expect(await new Phone060({ url: sim.url, apiKey: SIM_PHONE060_KEY }).balance('01055550102')).toBe(0);

    // The same call.ended again (a vendor's retry): answered, nothing moves.
    const deliveries = (await (await fetch(`${sim.url}/deliveries`)).json()) as {
      deliveries: { type: string; body: string }[];
    };
    const ended = deliveries.deliveries.filter((d) => d.type === 'call.ended').at(-1)?.body as string;
    const again = await hook(ended, signed(ended));
    expect(again.status).toBe(200);
    expect(((await again.json()) as { data: { outcome: string } }).data.outcome).toBe('duplicate');
    expect(await balance(u)).toMatchObject({ available: 27_800, held: 0 });
    expect((await t.y.ctx.ledger.check()).ok).toBe(true);

    // Forged: a wrong secret, a changed body; unknown: a well-signed event for no call of ours.
    expect((await hook(ended, signed(ended, 'x'.repeat(32)))).status).toBe(401);
    const changed = ended.replace('"billedSeconds":120', '"billedSeconds":0');
    expect((await hook(changed, { ...signed(ended) })).status).toBe(401);
    const unknown = JSON.stringify({
      ...JSON.parse(ended),
      callId: 'C-unknown',
      ticketId: 'T-unknown',
    });
    expect((await hook(unknown, signed(unknown))).status).toBe(404);
    const logged = await selectRows<{ message: string }>(
      t.y.ctx.database.db,
      sql`select message from server_log where source = 'consult' order by at desc limit 5`,
    );
    expect(logged.map((r) => r.message).join('\n')).toMatch(/refused/);
  });

  it('refuses a call the balance does not cover, a bad phone, and an unknown counselor; changes nothing', async () => {
    const u = await who();
    const low = await u.api.post<unknown>('/api/consult/calls', {
      counselorId: ids.get('101'),
      phone: '010-1111-2222',
    });
    expect(low.status, JSON.stringify(low.body)).toBe(409);
    expect(low.body).toMatchObject({ data: { code: 'consult.balance_below_minimum' } });
    const bad = await u.api.post<unknown>('/api/consult/calls', {
      counselorId: ids.get('101'),
      phone: '02-123-4567',
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('body.phone');
    // 104 is linked to nobody: not offered.
    const none = await u.api.post('/api/consult/calls', {
      counselorId: ids.get('104'),
      phone: '010-1111-2222',
    });
    expect(none.status).toBe(404);
    expect(await balance(u)).toMatchObject({ held: 0 });
  });

  it('time 060 refuses to take back (the line in another call) is returned by a later sweep, once', async () => {
    const phone = '01077770303';
    const a = await who();
    const b = await who();
    await fund(a.id, 30_000);
    await fund(b.id, 30_000);
    const open = async (u: User, code: string) => {
      const r = await u.api.post<{ call: CallView }>('/api/consult/calls', {
        counselorId: ids.get(code),
        phone,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.data?.call as CallView;
    };
    const x = await open(a, '101');
    const y = await open(b, '102');
    const line = new Phone060({ url: sim.url, apiKey: SIM_PHONE060_KEY });
    expect(await line.balance(phone)).toBe(x.secondsBought + y.secondsBought);
    // B's call rings for 4 s; A's call expires meanwhile, and its return meets a busy line.
    const talk = await fetch(`${sim.url}/simulate/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone, code: '102', seconds: 30, delayMs: 4_000 }),
    });
    expect(talk.status, await talk.clone().text()).toBe(200);
    await t.y.ctx.database.db.execute(
      sql`update consult_calls set expires_at = now() - interval '1 minute' where id = ${x.id}`,
    );
    expect(await t.y.consult.calls.sweep()).toBe(1);
    expect(await balance(a)).toMatchObject({ held: 0, available: 33_000 });
    const owed = async () =>
      (
        await selectRows<{ s: number }>(
          t.y.ctx.database.db,
          sql`select return_seconds as s from consult_calls where id = ${x.id}`,
        )
      )[0]?.s;
    expect(await owed()).toBe(x.secondsBought);
    // Still busy: asked again, still owed, logged once.
    expect(await t.y.consult.calls.retryReturns()).toBe(0);
    expect(await owed()).toBe(x.secondsBought);
    // B's call ends (30 s billed, the rest of B's time returned); the next sweep takes A's time back.
    await eventually(async () => {
      const now = await b.api.get<{ call: CallView }>(`/api/consult/calls/${y.id}`);
      expect(now.body.data?.call.state).toBe('ended');
      return true;
    });
    expect(await t.y.consult.calls.retryReturns()).toBe(1);
    expect(await owed()).toBe(0);
    expect(await line.balance(phone)).toBe(0);
    expect(await t.y.consult.calls.retryReturns()).toBe(0);
    const logged = await selectRows<{ n: number }>(
      t.y.ctx.database.db,
      sql`select count(*)::int as n from server_log where source = 'consult' and message like ${`%${x.id}%not returned yet%`}`,
    );
    expect(logged[0]?.n).toBe(1);
    expect((await t.y.ctx.ledger.check()).ok).toBe(true);
  });

  it('a call never made is released after its 30 minutes: points back, time returned at 060', async () => {
    const u = await who();
    await fund(u.id, 30_000);
    await balance(u);
    const started = await u.api.post<{ call: CallView }>('/api/consult/calls', {
      counselorId: ids.get('101'),
      phone: '010-7777-0101',
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const call = started.body.data?.call as CallView;
    expect((await balance(u)).held).toBe(call.held);
    await t.y.ctx.database.db.execute(
      sql`update consult_calls set expires_at = now() - interval '1 minute' where id = ${call.id}`,
    );
    expect(await t.y.consult.calls.sweep()).toBe(1);
    expect(await balance(u)).toMatchObject({ held: 0, available: 33_000 });
    expect(await new Phone060({ url: sim.url, apiKey: SIM_PHONE060_KEY }).balance('01077770101')).toBe(0);
    expect((await u.api.get<{ call: CallView }>(`/api/consult/calls/${call.id}`)).body.data?.call.state).toBe(
      'voided',
    );
    // Someone else's call is not found.
    const other = await who();
    expect((await other.api.get(`/api/consult/calls/${call.id}`)).status).toBe(404);
  });
});
