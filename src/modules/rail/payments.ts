/**
 * Holds waiting for payment: a reminder shortly before the operator's payment deadline, and a notice
 * when a hold passed it unpaid (the operator then cancels it). Before telling the user anything the
 * minute job asks the operator (one reservation list per account): a hold paid in the operator's
 * app is marked paid and nobody is nagged.
 */
import { and, eq, isNotNull, isNull, lte, or } from 'drizzle-orm';
import type { JobSpec } from '../../platform/module.ts';
import { accountProvider } from './accounts.ts';
import type { RailDeps } from './egress.ts';
import { emitRail, RAIL_HOLD_EXPIRED, RAIL_PAYMENT_DUE } from './events.ts';
import type { Reservation } from './providers/index.ts';
import { noteRefusal } from './refusals.ts';
import { railReservations } from './schema.ts';
import type { Rail } from './service.ts';
import type { ReservationRow } from './views.ts';

export type PaymentOutcome = { reminded: string[]; expired: string[]; paid: string[] };

export async function followPayments(d: RailDeps, now = Date.now()): Promise<PaymentOutcome> {
  const out: PaymentOutcome = { reminded: [], expired: [], paid: [] };
  const remindMs = d.ctx.config.rail.payReminderMinutes * 60_000;
  const due = await d.ctx.database.db
    .select()
    .from(railReservations)
    .where(
      and(
        eq(railReservations.status, 'held'),
        eq(railReservations.standby, false),
        isNotNull(railReservations.paymentDeadline),
        lte(railReservations.paymentDeadline, new Date(now + remindMs)),
        // Reminded already: only the deadline itself is news.
        or(isNull(railReservations.remindedAt), lte(railReservations.paymentDeadline, new Date(now))),
      ),
    );
  const byAccount = new Map<string | null, ReservationRow[]>();
  for (const r of due) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r]);
  for (const [accountId, rows] of byAccount) {
    if (d.egress.stopping) break;
    let theirs: Reservation[] | undefined;
    if (accountId) {
      try {
        theirs = await (await accountProvider(d, accountId)).listReservations();
      } catch (err) {
        // Unreachable operator: the deadline is still the operator's own; tell the user from ours.
        await noteRefusal(d, err, accountId);
        d.ctx.log.warn({ err, accountId }, 'rail: could not check holds awaiting payment');
      }
    }
    for (const r of rows) {
      const t = theirs?.find((x) => x.id === r.pnr);
      if (t?.paid) {
        await d.ctx.database.db
          .update(railReservations)
          .set({ status: 'paid' })
          .where(and(eq(railReservations.id, r.id), eq(railReservations.status, 'held')));
        out.paid.push(r.id);
      } else if ((r.paymentDeadline as Date).getTime() <= now || (theirs && !t)) {
        if (await expire(d, r)) out.expired.push(r.id);
      } else if (remindMs > 0 && !r.remindedAt) {
        if (await remind(d, r)) out.reminded.push(r.id);
      }
    }
  }
  return out;
}

async function remind(d: RailDeps, r: ReservationRow): Promise<boolean> {
  return d.ctx.tx(async (tx) => {
    const rows = await tx
      .update(railReservations)
      .set({ remindedAt: new Date() })
      .where(
        and(
          eq(railReservations.id, r.id),
          eq(railReservations.status, 'held'),
          isNull(railReservations.remindedAt),
        ),
      )
      .returning({ id: railReservations.id });
    if (!rows.length) return false;
    await emitRail(tx, RAIL_PAYMENT_DUE, { reservationId: r.id, userId: r.userId });
    return true;
  });
}

async function expire(d: RailDeps, r: ReservationRow): Promise<boolean> {
  return d.ctx.tx(async (tx) => {
    const rows = await tx
      .update(railReservations)
      .set({ status: 'expired', cancelledAt: new Date() })
      .where(and(eq(railReservations.id, r.id), eq(railReservations.status, 'held')))
      .returning({ id: railReservations.id });
    if (!rows.length) return false;
    await emitRail(tx, RAIL_HOLD_EXPIRED, { reservationId: r.id, userId: r.userId });
    return true;
  });
}

/** Every minute: reminders before payment deadlines, notices for holds that expired unpaid. */
export function paymentsJob(rail: Pick<Rail, 'followPayments'>): JobSpec {
  return {
    name: 'rail.payments',
    handler: async () => {
      await rail.followPayments();
    },
    options: { cron: '* * * * *', retryLimit: 0 },
  };
}
