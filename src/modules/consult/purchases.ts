import { and, desc, eq, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { AppError, conflict, invalidField, notFound } from '../../platform/errors.ts';
import type { Consumer, DomainEvent } from '../../platform/events/types.ts';
import { msg, render } from '../../platform/messages/index.ts';
import {
  type Device,
  PAYMENT_PAID,
  PAYMENT_REFUNDED,
  type PaymentPaid,
  type PaymentRefunded,
} from '../../platform/payments/index.ts';
import { paymentOrders } from '../../platform/payments/schema.ts';
import { users } from '../../platform/schema.ts';
import type { PointItems } from './points.ts';
import { consultPurchases, type PURCHASE_STATES } from './schema.ts';
import { PG_CLEARING, PROMO, type Wallet } from './wallet.ts';

// Buying points: a purchase row (the item's figures copied), a payment order at the gateway, and on
// `payment.paid` the credit: paid points from PG_CLEARING to the buyer's wallet, bonus points from
// PROMO to their bonus wallet. Every ledger transfer's id is derived from the purchase, so a
// redelivered event cannot credit twice. A refund cancels at the gateway and takes back only what
// is left unspent of this purchase's paid points; bonus points are never taken back nor paid out.

/** The payment purpose the shop's orders are made for. */
export const POINTS_PURPOSE = 'consult.points';

export type PurchaseState = (typeof PURCHASE_STATES)[number];

export type PurchaseView = {
  id: string;
  userId: string;
  pointItemId: string;
  orderId: string | null;
  name: string;
  price: number;
  points: number;
  bonus: number;
  state: PurchaseState;
  /** The payment order's state (created while the buyer is still on the gateway's page). */
  orderState: string | null;
  refundedPoints: number;
  createdAt: string;
  creditedAt: string | null;
  refundedAt: string | null;
};

export type AdminPurchaseView = PurchaseView & { userEmail: string | null };

type Row = typeof consultPurchases.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const view = (r: Row, orderState: string | null): PurchaseView => ({
  id: r.id,
  userId: r.userId,
  pointItemId: r.pointItemId,
  orderId: r.orderId,
  name: r.name,
  price: r.price,
  points: r.points,
  bonus: r.bonus,
  state: r.state,
  orderState,
  refundedPoints: r.refundedPoints,
  createdAt: r.createdAt.toISOString(),
  creditedAt: r.creditedAt?.toISOString() ?? null,
  refundedAt: r.refundedAt?.toISOString() ?? null,
});

/** Transfer ids: one per purchase and movement, so each movement happens once. */
const transferId = (purchaseId: string, what: 'points' | 'bonus' | 'refund') =>
  `consult:purchase:${purchaseId}:${what}`;

const isLedgerRace = (err: unknown) =>
  err instanceof AppError &&
  err.status === 409 &&
  (err.data?.code === 'ledger.insufficient' || err.data?.code === 'ledger.id_reused');

export type PurchaseFilter = {
  state?: PurchaseState;
  /** Part of the buyer's e-mail address. */
  email?: string;
  from?: Date;
  to?: Date;
  before?: Date;
  limit: number;
};

export class Purchases {
  constructor(
    private readonly ctx: Context,
    private readonly wallet: Wallet,
    private readonly items: PointItems,
  ) {
    ctx.payments.register({
      name: POINTS_PURPOSE,
      // Orders for points are made by the shop's checkout (with a purchase row), never directly.
      check: async () => {
        throw invalidField('purpose', msg('consult.points_elsewhere'));
      },
      resultPath: (orderId) => `/consult/points/result/${orderId}`,
    });
  }

  private select() {
    return this.ctx.database.db
      .select({ p: consultPurchases, orderState: paymentOrders.state, email: users.email })
      .from(consultPurchases)
      .leftJoin(paymentOrders, eq(paymentOrders.id, consultPurchases.orderId))
      .leftJoin(users, eq(users.id, consultPurchases.userId));
  }

  private async row(id: string): Promise<Row | undefined> {
    if (!UUID.test(id)) return undefined;
    const [row] = await this.ctx.database.db
      .select()
      .from(consultPurchases)
      .where(eq(consultPurchases.id, id));
    return row;
  }

  async get(id: string): Promise<AdminPurchaseView | undefined> {
    if (!UUID.test(id)) return undefined;
    const [r] = await this.select().where(eq(consultPurchases.id, id));
    return r ? { ...view(r.p, r.orderState), userEmail: r.email } : undefined;
  }

  /** The purchase paid by an order, for its buyer or an admin (anyone else: 404). */
  async byOrder(actor: User, orderId: string): Promise<PurchaseView> {
    const [r] = UUID.test(orderId) ? await this.select().where(eq(consultPurchases.orderId, orderId)) : [];
    if (!r || (r.p.userId !== actor.id && actor.role !== 'admin')) throw notFound('purchase');
    return view(r.p, r.orderState);
  }

  /**
   * Starts buying an active point item: the purchase, then the payment order (ref = the purchase);
   * answers the gateway page to send the buyer to (`device` mobile: the phone page, as in the app).
   */
  async checkout(input: { userId: string; itemId: string; device: Device; ip?: string }) {
    const item = await this.items.forSale(input.itemId);
    await this.wallet.profile(input.userId);
    const [p] = await this.ctx.database.db
      .insert(consultPurchases)
      .values({
        userId: input.userId,
        pointItemId: item.id,
        name: item.name,
        price: item.price,
        points: item.points,
        bonus: item.bonus,
      })
      .returning();
    let started: { orderId: string; redirectUrl: string };
    try {
      started = await this.ctx.payments.create({
        userId: input.userId,
        purpose: POINTS_PURPOSE,
        ref: p.id,
        amount: item.price,
        productName: `${item.name} (${(item.points + item.bonus).toLocaleString('ko-KR')}P)`.slice(0, 100),
        device: input.device,
        ip: input.ip,
      });
    } catch (err) {
      await this.ctx.database.db
        .update(consultPurchases)
        .set({ state: 'failed' })
        .where(eq(consultPurchases.id, p.id));
      throw err;
    }
    const [withOrder] = await this.ctx.database.db
      .update(consultPurchases)
      .set({ orderId: started.orderId })
      .where(eq(consultPurchases.id, p.id))
      .returning();
    return { purchase: view(withOrder, 'created'), ...started };
  }

  /** The buyer's purchases, newest first. */
  async mine(userId: string, opts: { before?: Date; limit: number }): Promise<PurchaseView[]> {
    const rows = await this.select()
      .where(
        and(
          eq(consultPurchases.userId, userId),
          opts.before ? lt(consultPurchases.createdAt, opts.before) : undefined,
        ),
      )
      .orderBy(desc(consultPurchases.createdAt), desc(consultPurchases.id))
      .limit(opts.limit);
    return rows.map((r) => view(r.p, r.orderState));
  }

  /** Every purchase (admins), newest first: by state, part of the buyer's e-mail, created from–to. */
  async list(f: PurchaseFilter) {
    const where: SQL[] = [];
    if (f.state) where.push(eq(consultPurchases.state, f.state));
    if (f.email) {
      const like = `%${f.email.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(sql`lower(${users.email}) like ${like}`);
    }
    if (f.from) where.push(gte(consultPurchases.createdAt, f.from));
    if (f.to) where.push(lt(consultPurchases.createdAt, f.to));
    if (f.before) where.push(lt(consultPurchases.createdAt, f.before));
    const rows = await this.select()
      .where(and(...where))
      .orderBy(desc(consultPurchases.createdAt), desc(consultPurchases.id))
      .limit(f.limit + 1);
    const page = rows
      .slice(0, f.limit)
      .map((r): AdminPurchaseView => ({ ...view(r.p, r.orderState), userEmail: r.email }));
    return {
      purchases: page,
      nextBefore: rows.length > f.limit ? (page[page.length - 1]?.createdAt ?? null) : null,
    };
  }

  /**
   * Credits a paid purchase, once: the two transfers are idempotent by id, and the purchase moves to
   * credited with one conditional UPDATE; the notice is sent once per purchase and channel.
   */
  async credit(paid: PaymentPaid): Promise<'credited' | 'already' | 'ignored'> {
    const p = await this.row(paid.ref);
    if (
      !p ||
      p.userId !== paid.userId ||
      p.price !== paid.amount ||
      (p.orderId && p.orderId !== paid.orderId)
    ) {
      await this.ctx.serverLog.write({
        level: 'error',
        source: 'consult',
        message: `payment ${paid.orderId} for points does not match a purchase: nothing credited`,
        data: { orderId: paid.orderId, ref: paid.ref, amount: paid.amount },
      });
      return 'ignored';
    }
    if (p.state === 'refunded') return 'already';
    if (p.state !== 'credited') {
      const { paid: wallet, bonus } = await this.wallet.accounts(p.userId);
      const clearing = await this.ctx.ledger.system(PG_CLEARING);
      await this.ctx.ledger.transfer({
        id: transferId(p.id, 'points'),
        debitAccountId: clearing.id,
        creditAccountId: wallet.id,
        amount: p.points,
        kind: 'purchase',
        ref: p.id,
      });
      if (p.bonus > 0) {
        const promo = await this.ctx.ledger.system(PROMO);
        await this.ctx.ledger.transfer({
          id: transferId(p.id, 'bonus'),
          debitAccountId: promo.id,
          creditAccountId: bonus.id,
          amount: p.bonus,
          kind: 'purchase_bonus',
          ref: p.id,
        });
      }
      await this.ctx.database.db
        .update(consultPurchases)
        .set({ state: 'credited', creditedAt: sql`now()`, orderId: paid.orderId })
        .where(and(eq(consultPurchases.id, p.id), inArray(consultPurchases.state, ['pending', 'failed'])));
    }
    // Sent on every delivery: the notifier keeps once-records, so a redelivery sends only what failed.
    await this.ctx.notify.deliver(
      `consult:points-credited:${p.id}`,
      p.userId,
      ['inapp', 'push'],
      (lang) => ({
        title: render('consult.notice_points_title', undefined, lang),
        lines: [
          p.bonus
            ? render('consult.notice_points_bonus', { name: p.name, points: p.points, bonus: p.bonus }, lang)
            : render('consult.notice_points', { name: p.name, points: p.points }, lang),
        ],
        link: '/consult/profile',
      }),
      { scope: 'consult-points-credited', kind: 'consult.points' },
    );
    return p.state === 'credited' ? 'already' : 'credited';
  }

  /**
   * An admin's refund: only a credited purchase; cancels the whole order at the gateway, then takes
   * back this purchase's unspent paid points. A second refund is refused (409).
   */
  async refund(admin: User, id: string, requestId?: string): Promise<AdminPurchaseView> {
    const p = await this.row(id);
    if (!p) throw notFound('purchase');
    if (p.state !== 'credited')
      throw conflict(msg('consult.refund_credited_only', { state: p.state }), { state: p.state });
    const order = p.orderId ? await this.ctx.payments.get(p.orderId) : undefined;
    if (!order) throw conflict(msg('consult.no_order'), { state: p.state });
    // A cancel that went through before a crash left the order refunded: only the points are left to do.
    const cancelledBefore = order.state === 'refunded' && order.refundedAmount === order.amount;
    if (!cancelledBefore) await this.ctx.payments.cancel(admin, order.id, undefined, requestId);
    // The payment.refunded consumer may take the points back first: the same transfer, done once.
    const taken = (await this.takeBack(p)) ?? (await this.row(p.id))?.refundedPoints ?? 0;
    await this.ctx.serverLog.write({
      level: 'info',
      source: 'consult',
      message: `points purchase ${p.id} refunded: ${p.price} won back to the buyer, ${taken} of ${p.points} paid points taken back`,
      data: { purchaseId: p.id, orderId: order.id, price: p.price, points: p.points, taken },
      actorId: admin.id,
      requestId,
    });
    return (await this.get(p.id)) as AdminPurchaseView;
  }

  /**
   * Takes back min(purchase points, the paid wallet's available points) and marks the purchase
   * refunded; the transfer id is the purchase's, so two runs take back once. Answers the points taken
   * back, or undefined when another run marked it refunded first.
   */
  private async takeBack(p: Row): Promise<number | undefined> {
    const id = transferId(p.id, 'refund');
    const clearing = await this.ctx.ledger.system(PG_CLEARING);
    let taken = 0;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [earlier] = await this.ctx.ledger.transfersById([id]);
      if (earlier) {
        taken = earlier.amount;
        break;
      }
      const { paid } = await this.wallet.accounts(p.userId);
      const take = Math.min(p.points, Math.max(0, paid.available));
      if (take === 0) break;
      try {
        taken = (
          await this.ctx.ledger.transfer({
            id,
            debitAccountId: paid.id,
            creditAccountId: clearing.id,
            amount: take,
            kind: 'purchase_refund',
            ref: p.id,
          })
        ).amount;
        break;
      } catch (err) {
        // Spent meanwhile, or another run took it first: look again.
        if (!isLedgerRace(err) || attempt === 3) throw err;
      }
    }
    const [moved] = await this.ctx.database.db
      .update(consultPurchases)
      .set({ state: 'refunded', refundedPoints: taken, refundedAt: sql`now()` })
      .where(and(eq(consultPurchases.id, p.id), eq(consultPurchases.state, 'credited')))
      .returning();
    return moved ? taken : undefined;
  }

  /** A refund made elsewhere (the platform's payments page): whole ones take the points back too. */
  async refunded(e: PaymentRefunded): Promise<void> {
    const p = await this.row(e.ref);
    if (p?.state !== 'credited') return;
    if (!e.full) {
      await this.ctx.serverLog.write({
        level: 'warn',
        source: 'consult',
        message: `part of points purchase ${p.id} was refunded (${e.refundedTotal} of ${p.price} won): no points taken back, settle it by hand`,
        data: { purchaseId: p.id, orderId: e.orderId, refundedTotal: e.refundedTotal },
      });
      return;
    }
    const taken = await this.takeBack(p);
    if (taken !== undefined)
      await this.ctx.serverLog.write({
        level: 'info',
        source: 'consult',
        message: `points purchase ${p.id} refunded at the payments page: ${taken} of ${p.points} paid points taken back`,
        data: { purchaseId: p.id, orderId: e.orderId, taken },
      });
  }

  consumer(): Consumer {
    return {
      name: 'consult.purchases',
      topics: [PAYMENT_PAID, PAYMENT_REFUNDED],
      handle: async (event: DomainEvent) => {
        const payload = event.payload as PaymentPaid | PaymentRefunded;
        if (payload.purpose !== POINTS_PURPOSE) return;
        if (event.topic === PAYMENT_PAID) await this.credit(payload as PaymentPaid);
        else await this.refunded(payload as PaymentRefunded);
      },
    };
  }
}
