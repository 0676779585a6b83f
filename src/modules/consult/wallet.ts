import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Context } from '../../platform/context.ts';
import type { Transfer } from '../../platform/ledger/index.ts';
import { consultProfiles } from './schema.ts';
import { signupBonus } from './settings.ts';

// A user's points: paid points (bought, refundable while unspent) in the ledger's `wallet` and bonus
// points (sign-up gifts, purchase bonuses; never refunded) in its `bonus` account. Spending draws on
// bonus points first. A counselor's earnings go to their `payable` account.

/** System accounts on the other side of the wallets. */
export const PG_CLEARING = 'pg_clearing';
export const PROMO = 'promo';

export type Balance = {
  paid: number;
  bonus: number;
  /** What can be spent now: both wallets less their holds. */
  available: number;
  /** Points promised to holds (a paid request not completed yet, a call in progress). */
  held: number;
};

export type StatementLine = {
  id: string;
  at: string;
  kind: string;
  ref: string | null;
  /** + for points in, − for points out; 0 for a hold's own row (its amount is in `held`). */
  amount: number;
  held: number;
  wallet: 'paid' | 'bonus';
  state: 'posted' | 'pending' | 'voided';
};

export class Wallet {
  constructor(private readonly ctx: Context) {}

  /** The user's two wallets, opened on first use. */
  async accounts(userId: string) {
    const [paid, bonus] = await Promise.all([
      this.ctx.ledger.open({ kind: 'wallet', ownerId: userId }),
      this.ctx.ledger.open({ kind: 'bonus', ownerId: userId }),
    ]);
    return { paid, bonus };
  }

  /** A counselor's account's payable: what they earned (posted holds, call charges). */
  payable(counselorUserId: string) {
    return this.ctx.ledger.open({ kind: 'payable', ownerId: counselorUserId });
  }

  async balance(userId: string): Promise<Balance> {
    const { paid, bonus } = await this.accounts(userId);
    return {
      paid: paid.balance,
      bonus: bonus.balance,
      available: paid.available + bonus.available,
      held: paid.pending + bonus.pending,
    };
  }

  /**
   * The user's marketplace profile, made on their first visit; that first visit also gives the
   * sign-up bonus (once: the transfer id is derived from the account).
   */
  async profile(userId: string) {
    const [made] = await this.ctx.database.db
      .insert(consultProfiles)
      .values({ userId })
      .onConflictDoNothing()
      .returning();
    const [row] = made
      ? [made]
      : await this.ctx.database.db.select().from(consultProfiles).where(eq(consultProfiles.userId, userId));
    if (row && !row.bonusAt) await this.giveSignupBonus(userId);
    return row;
  }

  private async giveSignupBonus(userId: string) {
    const amount = this.ctx.settings.get(signupBonus);
    if (amount > 0) {
      const [{ bonus }, promo] = await Promise.all([this.accounts(userId), this.ctx.ledger.system(PROMO)]);
      await this.ctx.ledger.transfer({
        id: `consult:signup-bonus:${userId}`,
        debitAccountId: promo.id,
        creditAccountId: bonus.id,
        amount,
        kind: 'signup_bonus',
      });
    }
    await this.ctx.database.db
      .update(consultProfiles)
      .set({ bonusAt: sql`now()` })
      .where(and(eq(consultProfiles.userId, userId), isNull(consultProfiles.bonusAt)));
  }

  /**
   * Holds `amount` points of the user for `creditAccountId` (a counselor's payable), bonus points first;
   * 409 `ledger.insufficient` when both wallets together lack it. `id` is the idempotency key.
   */
  async hold(input: {
    id: string;
    userId: string;
    creditAccountId: string;
    amount: number;
    kind: string;
    ref: string;
    expiresAt?: Date;
  }): Promise<Transfer[]> {
    const { paid, bonus } = await this.accounts(input.userId);
    return this.ctx.ledger.holdSplit({
      id: input.id,
      debitAccountIds: [bonus.id, paid.id],
      creditAccountId: input.creditAccountId,
      amount: input.amount,
      kind: input.kind,
      ref: input.ref,
      expiresAt: input.expiresAt,
    });
  }

  holds(ids: string[]) {
    return this.ctx.ledger.transfersById(ids);
  }

  /** The user's movements, newest first, paged by `before` (an ISO time). */
  async statement(userId: string, opts: { before?: Date; limit: number }): Promise<StatementLine[]> {
    const { paid, bonus } = await this.accounts(userId);
    const mine = [paid.id, bonus.id];
    const rows = await this.ctx.ledger.history(mine, opts);
    return rows.map((r) => {
      const out = mine.includes(r.debitAccountId);
      const walletId = out ? r.debitAccountId : r.creditAccountId;
      const moved = r.state === 'posted' ? r.amount : 0;
      return {
        id: r.id,
        at: r.createdAt,
        kind: r.kind,
        ref: r.ref,
        amount: out ? -moved : moved,
        held: r.state === 'pending' ? r.amount : 0,
        wallet: walletId === bonus.id ? 'bonus' : 'paid',
        state: r.state,
      };
    });
  }
}
