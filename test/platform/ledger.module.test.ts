import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Yeyak } from '../../src/app.ts';
import { AppError } from '../../src/platform/errors.ts';
import { harness } from '../harness.ts';
import { backends, freshPostgres } from '../helpers.ts';

/** The points ledger through ctx.ledger (no HTTP), on PGlite and on PostgreSQL when DATABASE_URL is set. */
for (const backend of backends) {
  describe(`ledger on ${backend}`, () => {
    let y: Yeyak;
    let stop: () => Promise<void>;
    let drop = async () => {};
    beforeAll(async () => {
      let databaseUrl: string | undefined;
      if (backend === 'postgres') ({ url: databaseUrl, drop } = await freshPostgres());
      ({ y, stop } = await harness([], { databaseUrl }));
    });
    afterAll(async () => {
      await stop?.();
      await drop();
    });

    let n = 0;
    const uid = (p: string) => `${p}-${++n}-${Math.random().toString(36).slice(2, 8)}`;
    /** A wallet funded from the clearing account with `points`. */
    async function funded(points: number) {
      const user = await y.auth.addUser({
        email: `${uid('w')}@test.yeyak`,
        password: 'password-123',
        role: 'user',
      });
      const wallet = await y.ctx.ledger.wallet(user.id);
      const clearing = await y.ctx.ledger.system('pg_clearing');
      if (points > 0)
        await y.ctx.ledger.transfer({
          id: uid('topup'),
          debitAccountId: clearing.id,
          creditAccountId: wallet.id,
          amount: points,
          kind: 'purchase',
        });
      return wallet;
    }
    const refusal = async (p: Promise<unknown>) => {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      return { status: (err as AppError).status, ...(err as AppError).data } as {
        status: number;
        code?: string;
        errors?: { path: string }[];
      };
    };

    it('20 parallel spends on a wallet holding 10 points: exactly 10 succeed, balance 0, books balance', async () => {
      const wallet = await funded(10);
      const payable = await y.ctx.ledger.system('counselor_payable');
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () =>
          y.ctx.ledger.transfer({
            id: uid('spend'),
            debitAccountId: wallet.id,
            creditAccountId: payable.id,
            amount: 1,
            kind: 'spend',
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
      for (const r of results.filter((r) => r.status === 'rejected'))
        expect((r as PromiseRejectedResult).reason).toMatchObject({
          status: 409,
          data: { code: 'ledger.insufficient' },
        });
      expect((await y.ctx.ledger.account(wallet.id)).balance).toBe(0);
      expect(await y.ctx.ledger.check()).toMatchObject({ ok: true, sum: 0, mismatches: [] });
    });

    it('a repeated id with the same fields returns the first result; with others it is a 409', async () => {
      const wallet = await funded(100);
      const payable = await y.ctx.ledger.system('counselor_payable');
      const input = {
        id: uid('once'),
        debitAccountId: wallet.id,
        creditAccountId: payable.id,
        amount: 30,
        kind: 'spend',
      };
      const first = await y.ctx.ledger.transfer(input);
      const again = await y.ctx.ledger.transfer(input);
      expect(again).toEqual(first);
      expect((await y.ctx.ledger.account(wallet.id)).balance).toBe(70);
      const reused = await refusal(y.ctx.ledger.transfer({ ...input, amount: 31 }));
      expect(reused).toMatchObject({ status: 409, code: 'ledger.id_reused', errors: [{ path: 'id' }] });
      expect(await refusal(y.ctx.ledger.hold(input))).toMatchObject({ code: 'ledger.id_reused' });
    });

    it('an overdraw is a 409 naming the amount, and nothing moves', async () => {
      const wallet = await funded(5);
      const payable = await y.ctx.ledger.system('counselor_payable');
      const over = await refusal(
        y.ctx.ledger.transfer({
          id: uid('over'),
          debitAccountId: wallet.id,
          creditAccountId: payable.id,
          amount: 6,
          kind: 'spend',
        }),
      );
      expect(over).toMatchObject({ status: 409, code: 'ledger.insufficient', errors: [{ path: 'amount' }] });
      expect((await y.ctx.ledger.account(wallet.id)).balance).toBe(5);
    });

    it('hold → partial post moves the posted part and releases the rest; a hold counts against the wallet', async () => {
      const wallet = await funded(100);
      const payable = await y.ctx.ledger.system('counselor_payable');
      const hold = await y.ctx.ledger.hold({
        id: uid('hold'),
        debitAccountId: wallet.id,
        creditAccountId: payable.id,
        amount: 80,
        kind: 'consultation',
        ref: 'call-1',
        expiresAt: new Date(Date.now() + 60_000),
      });
      expect(hold.state).toBe('pending');
      expect(await y.ctx.ledger.account(wallet.id)).toMatchObject({
        balance: 100,
        pending: 80,
        available: 20,
      });
      // Only 20 left to spend while the hold stands.
      expect(
        await refusal(
          y.ctx.ledger.transfer({
            id: uid('x'),
            debitAccountId: wallet.id,
            creditAccountId: payable.id,
            amount: 21,
            kind: 'spend',
          }),
        ),
      ).toMatchObject({ code: 'ledger.insufficient' });
      expect(await refusal(y.ctx.ledger.post({ id: uid('p'), holdId: hold.id, amount: 81 }))).toMatchObject({
        status: 400,
      });
      const post = await y.ctx.ledger.post({ id: uid('post'), holdId: hold.id, amount: 50 });
      expect(post).toMatchObject({
        state: 'posted',
        amount: 50,
        pendingId: hold.id,
        debitBalanceAfter: 50,
        kind: 'consultation',
      });
      expect(await y.ctx.ledger.account(wallet.id)).toMatchObject({ balance: 50, pending: 0 });
      expect(
        await refusal(y.ctx.ledger.post({ id: uid('post'), holdId: hold.id, amount: 10 })),
      ).toMatchObject({
        code: 'ledger.hold_posted',
      });
      expect(await refusal(y.ctx.ledger.void({ id: uid('v'), holdId: hold.id }))).toMatchObject({
        code: 'ledger.hold_posted',
      });
      expect((await y.ctx.ledger.check()).ok).toBe(true);
    });

    it('void releases the whole hold; a voided hold cannot be posted', async () => {
      const wallet = await funded(40);
      const payable = await y.ctx.ledger.system('counselor_payable');
      const hold = await y.ctx.ledger.hold({
        id: uid('hold'),
        debitAccountId: wallet.id,
        creditAccountId: payable.id,
        amount: 40,
        kind: 'consultation',
      });
      const voidInput = { id: uid('void'), holdId: hold.id };
      const voided = await y.ctx.ledger.void(voidInput);
      expect(await y.ctx.ledger.void(voidInput)).toEqual(voided);
      expect(await y.ctx.ledger.account(wallet.id)).toMatchObject({ balance: 40, pending: 0 });
      expect(await refusal(y.ctx.ledger.post({ id: uid('post'), holdId: hold.id }))).toMatchObject({
        code: 'ledger.hold_voided',
      });
    });

    it('an expired hold cannot be posted, and the sweep job voids it', async () => {
      const wallet = await funded(30);
      const payable = await y.ctx.ledger.system('counselor_payable');
      const hold = await y.ctx.ledger.hold({
        id: uid('hold'),
        debitAccountId: wallet.id,
        creditAccountId: payable.id,
        amount: 30,
        kind: 'consultation',
        expiresAt: new Date(Date.now() - 1000),
      });
      expect(await refusal(y.ctx.ledger.post({ id: uid('post'), holdId: hold.id }))).toMatchObject({
        code: 'ledger.hold_expired',
      });
      await y.ctx.jobs.send('ledger.expire-holds', {});
      const until = Date.now() + 20_000;
      while ((await y.ctx.ledger.account(wallet.id)).pending !== 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100));
      expect(await y.ctx.ledger.account(wallet.id)).toMatchObject({ balance: 30, pending: 0 });
      expect(await refusal(y.ctx.ledger.post({ id: uid('post'), holdId: hold.id }))).toMatchObject({
        code: 'ledger.hold_expired',
      });
      expect((await y.ctx.ledger.check()).ok).toBe(true);
    });

    it('a split hold draws bonus before paid points, all or nothing, and posts and voids in that order', async () => {
      const paid = await funded(30);
      const bonus = await y.ctx.ledger.open({ kind: 'bonus', ownerId: paid.ownerId as string });
      const promo = await y.ctx.ledger.system('promo');
      await y.ctx.ledger.transfer({
        id: uid('gift'),
        debitAccountId: promo.id,
        creditAccountId: bonus.id,
        amount: 20,
        kind: 'gift',
      });
      const payable = await y.ctx.ledger.system('counselor_payable');
      const base = { creditAccountId: payable.id, kind: 'spend', debitAccountIds: [bonus.id, paid.id] };
      // More than both hold together: refused whole, nothing held.
      const over = await refusal(y.ctx.ledger.holdSplit({ ...base, id: uid('over'), amount: 51 }));
      expect(over).toMatchObject({ status: 409, code: 'ledger.insufficient' });
      expect((await y.ctx.ledger.account(bonus.id)).pending).toBe(0);
      const id = uid('split');
      const holds = await y.ctx.ledger.holdSplit({ ...base, id, amount: 35 });
      expect(holds.map((h) => [h.debitAccountId, h.amount])).toEqual([
        [bonus.id, 20],
        [paid.id, 15],
      ]);
      // The same id again answers the same holds; with another amount it is a reused id.
      expect((await y.ctx.ledger.holdSplit({ ...base, id, amount: 35 })).map((h) => h.id)).toEqual(
        holds.map((h) => h.id),
      );
      expect(await refusal(y.ctx.ledger.holdSplit({ ...base, id, amount: 36 }))).toMatchObject({
        code: 'ledger.id_reused',
      });
      // Posting 25 of 35: all 20 bonus, 5 of the paid hold; the other 10 go back to the paid wallet.
      expect(await y.ctx.ledger.postSplit({ id: `${id}:done`, holds, amount: 25 })).toBe(25);
      expect(await y.ctx.ledger.postSplit({ id: `${id}:done`, holds, amount: 25 })).toBe(25);
      expect(await y.ctx.ledger.account(bonus.id)).toMatchObject({ balance: 0, pending: 0 });
      expect(await y.ctx.ledger.account(paid.id)).toMatchObject({ balance: 25, pending: 0 });
      const again = await y.ctx.ledger.holdSplit({ ...base, id: uid('again'), amount: 10 });
      expect(again.map((h) => h.debitAccountId)).toEqual([paid.id]);
      await y.ctx.ledger.voidSplit({ id: uid('back'), holds: again });
      expect(await y.ctx.ledger.account(paid.id)).toMatchObject({ balance: 25, pending: 0 });
      expect((await y.ctx.ledger.check()).ok).toBe(true);
    });

    it('check() finds a tampered cached balance; transfers cannot be changed at all', async () => {
      const wallet = await funded(10);
      await y.ctx.database.db.execute(
        sql`update ledger_accounts set balance = balance + 5 where id = ${wallet.id}`,
      );
      const report = await y.ctx.ledger.check();
      expect(report.ok).toBe(false);
      expect(report.sum).toBe(5);
      expect(report.mismatches).toEqual([
        { accountId: wallet.id, balance: 15, computedBalance: 10, pending: 0, computedPending: 0 },
      ]);
      await y.ctx.database.db.execute(
        sql`update ledger_accounts set balance = balance - 5 where id = ${wallet.id}`,
      );
      await expect(y.ctx.database.db.execute(sql`delete from ledger_transfers`)).rejects.toThrow();
      expect((await y.ctx.ledger.check()).ok).toBe(true);
    });
  });
}
