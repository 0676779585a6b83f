import { and, eq, sql } from 'drizzle-orm';
import { conflict, invalidField, notFound } from '../errors.ts';
import { emit } from '../events/outbox.ts';
import { msg } from '../messages/index.ts';
import type { PaymentGateway } from './gateway.ts';
import {
  gatewayOrder,
  type OrderView,
  PAYMENT_REFUNDED,
  type PaymentRefunded,
  type PaymentsDeps,
  record,
  UUID,
  view,
} from './orders.ts';
import { paymentOrders } from './schema.ts';

/** How long one cancel may hold an order at the gateway before another may try. */
const CANCEL_LEASE_SECONDS = 120;

/**
 * Cancels an order (an admin): an unpaid one is closed as cancelled with one conditional UPDATE; a
 * paid one is refunded at the gateway, whole or `amount` of what is left. A lease on the row
 * (`cancelling_at`) keeps two admins from refunding at once; the refund is recorded and
 * `payment.refunded` written in one transaction, on the condition that nothing was refunded meanwhile.
 */
export async function cancelOrder(
  d: PaymentsDeps,
  gateway: () => PaymentGateway,
  o: { actorId: string; id: string; amount: number | undefined; requestId?: string },
): Promise<OrderView> {
  const { id, amount, requestId } = o;
  const actor = { id: o.actorId };
  const [row] = UUID.test(id)
    ? await d.database.db.select().from(paymentOrders).where(eq(paymentOrders.id, id))
    : [];
  if (!row) throw notFound('order');
  const log = (level: 'info' | 'warn', message: string, data: Record<string, unknown> = {}) =>
    d.serverLog.write({
      level,
      source: 'payments',
      message,
      data: { orderId: id, ...data },
      actorId: actor.id,
      requestId,
    });
  if (row.state === 'created') {
    if (amount !== undefined) throw invalidField('amount', 'nothing was paid: cancel the whole order');
    const [moved] = await d.database.db
      .update(paymentOrders)
      .set({
        state: 'cancelled',
        note: 'cancelled by an admin',
        updatedAt: sql`now()`,
        closedAt: sql`now()`,
      })
      .where(and(eq(paymentOrders.id, id), eq(paymentOrders.state, 'created')))
      .returning();
    if (!moved) throw conflict('the order changed meanwhile: reload it');
    await log('info', `order ${id} cancelled before payment`);
    return view(moved);
  }
  if (row.state !== 'paid' && row.state !== 'refunded')
    throw conflict(msg('payments.nothing_to_cancel', { state: row.state }));
  const left = row.amount - row.refundedAmount;
  if (left <= 0) throw conflict('already refunded in full');
  const give = amount ?? left;
  if (!Number.isInteger(give) || give < 1 || give > left) {
    await log('warn', `refund of ${give} refused: at most ${left} is left of order ${id}`, {
      amount: give,
      left,
    });
    throw invalidField('amount', msg('payments.at_most', { max: left }));
  }
  const seen = row.refundedAmount;
  const [held] = await d.database.db
    .update(paymentOrders)
    .set({ cancellingAt: sql`now()` })
    .where(
      and(
        eq(paymentOrders.id, id),
        eq(paymentOrders.refundedAmount, seen),
        sql`(${paymentOrders.cancellingAt} is null or ${paymentOrders.cancellingAt} < now() - make_interval(secs => ${CANCEL_LEASE_SECONDS}))`,
      ),
    )
    .returning();
  if (!held) throw conflict('another cancel of this order is in progress: reload it');
  const full = seen === 0 && give === row.amount;
  let result: Awaited<ReturnType<PaymentGateway['cancel']>>;
  try {
    result = await gateway().cancel({ ...gatewayOrder(held), tid: held.tid as string }, give, full);
  } catch (err) {
    await d.database.db.update(paymentOrders).set({ cancellingAt: null }).where(eq(paymentOrders.id, id));
    await log('warn', `refund of ${give} for order ${id} failed at the gateway: ${(err as Error).message}`, {
      amount: give,
    });
    throw err;
  }
  const moved = await d.tx(async (tx) => {
    const [m] = await tx
      .update(paymentOrders)
      .set({
        state: 'refunded',
        refundedAmount: sql`${paymentOrders.refundedAmount} + ${give}`,
        cancellingAt: null,
        records: record('cancel', { ...result.raw, actorId: actor.id }),
        updatedAt: sql`now()`,
        closedAt: sql`now()`,
      })
      .where(and(eq(paymentOrders.id, id), eq(paymentOrders.refundedAmount, seen)))
      .returning();
    if (m) {
      const event: PaymentRefunded = {
        orderId: m.id,
        userId: m.userId,
        purpose: m.purpose,
        ref: m.ref,
        amount: give,
        gateway: m.gateway,
        refundedTotal: m.refundedAmount,
        full: m.refundedAmount === m.amount,
      };
      await emit(tx, PAYMENT_REFUNDED, event);
    }
    return m;
  });
  if (!moved) throw conflict('the order changed meanwhile: reload it');
  await log('info', `order ${id}: ${give} of ${row.amount} won refunded (${moved.refundedAmount} in all)`, {
    amount: give,
    refundedTotal: moved.refundedAmount,
  });
  return view(moved);
}
