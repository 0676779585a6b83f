import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Yeyak } from '../../src/app.ts';
import { seedChatDemo } from '../../src/modules/consult/chat-demo.ts';
import { PG_CLEARING, PROMO } from '../../src/modules/consult/wallet.ts';
import type { User } from '../../src/platform/auth/service.ts';
import { selectRows } from '../../src/platform/db.ts';
import { AppError } from '../../src/platform/errors.ts';
import { harness } from '../harness.ts';
import { backends, freshPostgres } from '../helpers.ts';

let n = 0;

/** Payment requests: 100 parallel payments, every refusal, and the moves after payment. */
for (const backend of backends) {
  describe(`consult payment requests on ${backend}`, () => {
    let y: Yeyak;
    let stop: () => Promise<void>;
    let drop = async () => {};
    let counselor: User;
    let counselorId: string;

    beforeAll(async () => {
      let databaseUrl: string | undefined;
      if (backend === 'postgres') ({ url: databaseUrl, drop } = await freshPostgres());
      ({ y, stop } = await harness(['consult'], { databaseUrl }));
      await y.consult.counselors.applyLines([
        { code: '701', name: '달빛', ratePer30s: 900, grade: 'GOLD', status: 'online' },
      ]);
      const [c] = await selectRows<{ id: string }>(
        y.ctx.database.db,
        sql`select id from consult_counselors where code = '701'`,
      );
      counselorId = c?.id as string;
      const acct = await y.auth.addUser({ email: 'moon@test.yeyak', password: 'password-123', role: 'user' });
      await y.consult.counselors.link(counselorId, acct.id);
      counselor = { ...acct, role: 'counselor' };
    }, 120_000);
    afterAll(async () => {
      await stop?.();
      await drop();
    });

    const newUser = async () =>
      y.auth.addUser({ email: `payer${++n}@test.yeyak`, password: 'password-123', role: 'user' });
    const fund = async (user: User, paid: number, bonus = 0) => {
      const { paid: p, bonus: b } = await y.consult.wallet.accounts(user.id);
      const clearing = await y.ctx.ledger.system(PG_CLEARING);
      const promo = await y.ctx.ledger.system(PROMO);
      if (paid)
        await y.ctx.ledger.transfer({
          id: `test:fund:${user.id}:paid:${++n}`,
          debitAccountId: clearing.id,
          creditAccountId: p.id,
          amount: paid,
          kind: 'test',
        });
      if (bonus)
        await y.ctx.ledger.transfer({
          id: `test:fund:${user.id}:bonus:${++n}`,
          debitAccountId: promo.id,
          creditAccountId: b.id,
          amount: bonus,
          kind: 'test',
        });
    };
    const item = async (price: number) =>
      y.consult.items.create(counselor, { kind: 'chat', title: `채팅 ${price}`, price });
    const requestFor = async (user: User, price: number) => {
      const room = await y.consult.chat.openWithCounselor(user, counselorId);
      const it = await item(price);
      return y.consult.requests.send(counselor, room.id, { itemId: it.id, note: '메모' });
    };
    const refusal = async (p: Promise<unknown>) => {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      const e = err as AppError;
      return { status: e.status, code: e.data?.code };
    };
    const stateOf = async (id: string) => (await y.consult.requests.byId(id))?.state;

    it('100 parallel payments of a 10-point item from a 100-point wallet: exactly 10 succeed', async () => {
      const user = await newUser();
      await fund(user, 100);
      const room = await y.consult.chat.openWithCounselor(user, counselorId);
      const it = await item(10);
      const ids: string[] = [];
      for (let i = 0; i < 100; i++)
        ids.push((await y.consult.requests.send(counselor, room.id, { itemId: it.id })).id);
      const results = await Promise.allSettled(ids.map((id) => y.consult.requests.pay(user, id)));
      const paid = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(paid).toHaveLength(10);
      expect(refused).toHaveLength(90);
      for (const r of refused) {
        expect(r.reason).toBeInstanceOf(AppError);
        expect((r.reason as AppError).status).toBe(409);
        expect((r.reason as AppError).data?.code).toBe('ledger.insufficient');
      }
      const balance = await y.consult.wallet.balance(user.id);
      expect(balance).toMatchObject({ available: 0, held: 100, paid: 100 });
      const [states] = await selectRows<{ paid: number; pending: number }>(
        y.ctx.database.db,
        sql`select count(*) filter (where state = 'paid')::int as paid, count(*) filter (where state = 'pending')::int as pending
            from consult_requests where room_id = ${room.id}`,
      );
      expect(states).toEqual({ paid: 10, pending: 90 });
      expect((await y.ctx.ledger.check()).ok).toBe(true);
      // Completing them moves the points to the counselor: the wallet ends at 0.
      for (const r of paid)
        await y.consult.requests.complete(counselor, (r as PromiseFulfilledResult<{ id: string }>).value.id);
      expect(await y.consult.wallet.balance(user.id)).toMatchObject({
        available: 0,
        held: 0,
        paid: 0,
        bonus: 0,
      });
      const payable = await y.consult.wallet.payable(counselor.id);
      expect(payable.balance).toBeGreaterThanOrEqual(100);
      const check = await y.ctx.ledger.check();
      expect(check).toMatchObject({ ok: true, sum: 0, mismatches: [] });
    }, 120_000);

    it('pays bonus points first and refuses twice, own, foreign, expired and unaffordable requests', async () => {
      const user = await newUser();
      const other = await newUser();
      await fund(user, 100, 30);
      const r = await requestFor(user, 50);
      // Someone else's request: the 404 of a missing one, logged.
      expect(await refusal(y.consult.requests.pay(other, r.id))).toEqual({ status: 404, code: undefined });
      const [logged] = await selectRows<{ n: number }>(
        y.ctx.database.db,
        sql`select count(*)::int as n from server_log where message like 'payment request asked for%' and actor_id = ${other.id}`,
      );
      expect(logged?.n).toBe(1);
      // The counselor cannot pay their own request.
      expect((await refusal(y.consult.requests.pay(counselor, r.id))).status).toBe(403);
      expect(await stateOf(r.id)).toBe('pending');
      const paid = await y.consult.requests.pay(user, r.id);
      expect(paid.state).toBe('paid');
      const holds = await y.consult.wallet.holds((await y.consult.requests.byId(r.id))?.holdIds ?? []);
      expect(holds.map((h) => h.amount)).toEqual([30, 20]);
      // Twice: refused, nothing more held.
      expect(await refusal(y.consult.requests.pay(user, r.id))).toEqual({
        status: 409,
        code: 'consult.request_paid',
      });
      expect(await y.consult.wallet.balance(user.id)).toMatchObject({ available: 80, held: 50 });
      // Not enough points: 409, the request stays pending, nothing held.
      const big = await requestFor(user, 1000);
      expect(await refusal(y.consult.requests.pay(user, big.id))).toEqual({
        status: 409,
        code: 'ledger.insufficient',
      });
      expect(await stateOf(big.id)).toBe('pending');
      expect(await y.consult.wallet.balance(user.id)).toMatchObject({ available: 80, held: 50 });
      // Expired: refused, and the sweep marks it expired.
      const late = await requestFor(user, 10);
      await y.ctx.database.db.execute(
        sql`update consult_requests set expires_at = now() - interval '1 minute' where id = ${late.id}`,
      );
      expect(await refusal(y.consult.requests.pay(user, late.id))).toEqual({
        status: 409,
        code: 'consult.request_expired',
      });
      const swept = await y.consult.requests.sweep();
      expect(swept.expired).toBeGreaterThanOrEqual(1);
      expect(await stateOf(late.id)).toBe('expired');
      expect(await y.consult.wallet.balance(user.id)).toMatchObject({ available: 80, held: 50 });
      expect((await y.ctx.ledger.check()).ok).toBe(true);
    });

    it('refund gives the points back (bonus too); a refunded request cannot be completed', async () => {
      const user = await newUser();
      await fund(user, 40, 10);
      const r = await requestFor(user, 30);
      await y.consult.requests.pay(user, r.id);
      expect(await y.consult.wallet.balance(user.id)).toMatchObject({ available: 20, held: 30 });
      // The user cannot refund; the counselor can.
      expect((await refusal(y.consult.requests.refund(user, r.id))).status).toBe(403);
      expect((await y.consult.requests.refund(counselor, r.id)).state).toBe('refunded');
      expect(await y.consult.wallet.balance(user.id)).toMatchObject({
        available: 50,
        held: 0,
        paid: 40,
        bonus: 10,
      });
      expect(await refusal(y.consult.requests.complete(counselor, r.id))).toEqual({
        status: 409,
        code: 'consult.request_refunded',
      });
      expect((await y.ctx.ledger.check()).ok).toBe(true);
    });

    it('complete and refund racing: exactly one wins', async () => {
      const user = await newUser();
      await fund(user, 100);
      const admin = await y.auth.addUser({
        email: `admin${++n}@test.yeyak`,
        password: 'password-123',
        role: 'admin',
      });
      const r = await requestFor(user, 60);
      await y.consult.requests.pay(user, r.id);
      const [a, b] = await Promise.allSettled([
        y.consult.requests.complete(counselor, r.id),
        y.consult.requests.refund(admin, r.id),
      ]);
      expect([a.status, b.status].filter((s) => s === 'fulfilled')).toHaveLength(1);
      const state = await stateOf(r.id);
      const balance = await y.consult.wallet.balance(user.id);
      if (state === 'completed') expect(balance).toMatchObject({ paid: 40, held: 0 });
      else expect(balance).toMatchObject({ paid: 100, held: 0 });
      expect((await y.ctx.ledger.check()).ok).toBe(true);
    });

    it('decline and withdraw close pending requests; the sweep completes paid ones after 7 days', async () => {
      const user = await newUser();
      await fund(user, 100);
      const a = await requestFor(user, 10);
      expect((await refusal(y.consult.requests.decline(counselor, a.id))).status).toBe(403);
      expect((await y.consult.requests.decline(user, a.id)).state).toBe('declined');
      expect(await refusal(y.consult.requests.pay(user, a.id))).toEqual({
        status: 409,
        code: 'consult.request_declined',
      });
      const b = await requestFor(user, 10);
      expect((await y.consult.requests.withdraw(counselor, b.id)).state).toBe('withdrawn');
      const c = await requestFor(user, 25);
      await y.consult.requests.pay(user, c.id);
      await y.ctx.database.db.execute(
        sql`update consult_requests set paid_at = now() - interval '8 days' where id = ${c.id}`,
      );
      const before = (await y.consult.wallet.payable(counselor.id)).balance;
      expect((await y.consult.requests.sweep()).completed).toBe(1);
      const done = await y.consult.requests.byId(c.id);
      expect(done?.state).toBe('completed');
      expect(done?.closedAt).toBeInstanceOf(Date);
      expect((await y.consult.wallet.payable(counselor.id)).balance).toBe(before + 25);
      expect(await y.consult.wallet.balance(user.id)).toMatchObject({ paid: 75, held: 0 });
      expect((await y.ctx.ledger.check()).ok).toBe(true);
    });

    it('a completion or refund cut off before its ledger step is finished by the sweep', async () => {
      const user = await newUser();
      await fund(user, 100);
      const a = await requestFor(user, 30);
      const b = await requestFor(user, 20);
      await y.consult.requests.pay(user, a.id);
      await y.consult.requests.pay(user, b.id);
      // As if the process stopped right after the state move: the holds are still open.
      await y.ctx.database.db.execute(
        sql`update consult_requests set state = case when id = ${a.id} then 'completed' else 'refunded' end,
              closed_at = now() - interval '2 minutes' where id in (${a.id}, ${b.id})`,
      );
      const before = (await y.consult.wallet.payable(counselor.id)).balance;
      expect((await y.consult.requests.sweep()).settled).toBe(2);
      expect((await y.consult.wallet.payable(counselor.id)).balance).toBe(before + 30);
      expect(await y.consult.wallet.balance(user.id)).toMatchObject({ paid: 70, held: 0 });
      expect((await y.consult.requests.sweep()).settled).toBe(0);
      expect((await y.ctx.ledger.check()).ok).toBe(true);
    });

    it('a request needs the room counselor, an own active item and a future appointment', async () => {
      const user = await newUser();
      const room = await y.consult.chat.openWithCounselor(user, counselorId);
      const it = await item(10);
      expect((await refusal(y.consult.requests.send(user, room.id, { itemId: it.id }))).status).toBe(403);
      expect(
        (
          await refusal(
            y.consult.requests.send(counselor, room.id, {
              itemId: it.id,
              appointmentAt: '2001-01-01T00:00:00Z',
            }),
          )
        ).status,
      ).toBe(400);
      await y.consult.items.update(counselor, it.id, { active: false });
      expect((await refusal(y.consult.requests.send(counselor, room.id, { itemId: it.id }))).status).toBe(
        400,
      );
    });

    it('demo data: items, a chat and a pending request between a user and the counselor', async () => {
      const user = await newUser();
      await seedChatDemo(y.ctx, y.consult, { user, counselorId });
      const rooms = await y.consult.chat.rooms(user);
      const room = rooms.find((r) => r.counselor?.id === counselorId);
      expect(room?.unread).toBe(2);
      const page = await y.consult.chat.messages(user, room?.id as string, { limit: 50 });
      expect(page.messages.map((m) => m.kind)).toEqual(['text', 'text', 'request']);
      const [request] = await y.consult.requests.views([page.messages[2]?.requestId as string], user.id);
      expect(request).toMatchObject({ state: 'pending', me: 'user', kind: 'chat' });
    });

    it('the reminder goes once, an hour before the appointment', async () => {
      const user = await newUser();
      await fund(user, 100);
      const room = await y.consult.chat.openWithCounselor(user, counselorId);
      const it = await item(10);
      const r = await y.consult.requests.send(counselor, room.id, {
        itemId: it.id,
        appointmentAt: new Date(Date.now() + 30 * 60_000).toISOString(),
      });
      await y.consult.requests.pay(user, r.id);
      expect((await y.consult.requests.sweep()).reminded).toBe(1);
      expect((await y.consult.requests.sweep()).reminded).toBe(0);
    });
  });
}
