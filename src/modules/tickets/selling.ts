import { and, eq, sql } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import type { Tx } from '../../platform/db.ts';
import { selectRows } from '../../platform/db.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import { msg } from '../../platform/messages/index.ts';
import { emitTicketEvent, reservationConfirmed, reservationConfirmedJson, TOPICS } from './events.ts';
import { expireHold, offerFreedSeats, sellable, soldOut } from './holds.ts';
import { holds, reservations, ticketTypes, waitlistEntries } from './schema.ts';
import {
  reservation,
  reservationContext,
  reservationJoins,
  reservationView,
  type TicketReservationView,
  type TicketsDeps,
} from './views.ts';

// Selling: the one-step reserve, confirming a hold into a reservation, and cancelling one.

/** One-step reservation (the original API and scripts): seats are sold at once. */
export async function reserve(
  { ctx }: TicketsDeps,
  user: User,
  input: { ticketTypeId: string; quantity: number; email?: string; source?: 'api' | 'web' },
): Promise<TicketReservationView> {
  const n = input.quantity;
  const source = input.source ?? 'api';
  // The hot path in one statement (one round trip, atomic on its own): take the seats if the
  // showtime is ahead and enough are left, write the reservation and its outbox event, and read
  // back what the answer shows. The row lock on the ticket type lasts only this statement.
  const rows = await selectRows(
    ctx.database.db,
    sql`
      with take as (
        update ticket_types t set sold = t.sold + ${n}
          from ticket_showtimes s
         where t.id = ${input.ticketTypeId} and s.id = t.showtime_id and s.starts_at > now()
           and t.quota - t.sold - t.held >= ${n}
        returning t.id, t.price
      ), res as (
        insert into ticket_reservations (ticket_type_id, user_id, email, quantity, unit_price, total_price, source)
        select id, ${user.id}, ${input.email ?? user.email}, ${n}, price, price * ${n}, ${source} from take
        returning *
      ), event as (
        insert into outbox (topic, payload)
        select ${TOPICS.reservationConfirmed}::text, ${reservationConfirmedJson()} from res
        returning id
      )
      select r.id, r.ticket_type_id, r.email, r.quantity, r.unit_price, r.total_price, r.source, r.created_at,
             r.checked_in_at, null::timestamptz as cancelled_at, false as deleted, r.user_id,
             ${reservationContext}
        from res r
        ${reservationJoins}`,
  );
  if (rows.length === 0) {
    // Nothing taken: say why (unknown type, started showtime, or not enough left).
    const row = await sellable(ctx.database.db, input.ticketTypeId);
    throw soldOut(row.t.quota - row.t.sold - row.t.held);
  }
  ctx.relay.nudge();
  return reservationView(rows[0]);
}

/** Writes a reservation and its `reservation.confirmed` event, in the caller's transaction. */
async function insertReservation(
  tx: Tx,
  r: {
    user: User;
    email: string;
    ticketTypeId: string;
    quantity: number;
    unitPrice: number;
    source: 'api' | 'web' | 'waitlist';
  },
): Promise<number> {
  const [res] = await tx
    .insert(reservations)
    .values({
      ticketTypeId: r.ticketTypeId,
      userId: r.user.id,
      email: r.email,
      quantity: r.quantity,
      unitPrice: r.unitPrice,
      totalPrice: r.unitPrice * r.quantity,
      source: r.source,
    })
    .returning();
  await emitTicketEvent(tx, TOPICS.reservationConfirmed, reservationConfirmed(res));
  return res.id;
}

/** Step two: the held seats become a reservation, after the payment provider charged them (free for now). */
export async function confirm(d: TicketsDeps, user: User, holdId: string): Promise<TicketReservationView> {
  const [pending] = await d.ctx.database.db
    .select({ h: holds, price: ticketTypes.price })
    .from(holds)
    .innerJoin(ticketTypes, eq(ticketTypes.id, holds.ticketTypeId))
    .where(eq(holds.id, holdId));
  if (!pending || pending.h.userId !== user.id) throw notFound('hold');
  if (pending.h.status === 'held' && pending.h.expiresAt.getTime() > Date.now()) {
    await d.payments.charge({ holdId, userId: user.id, amountKrw: pending.price * pending.h.quantity });
  }
  const result = await d.ctx.tx(async (tx) => {
    const [h] = await tx.select().from(holds).where(eq(holds.id, holdId)).for('update');
    if (!h || h.userId !== user.id) throw notFound('hold');
    if (h.status === 'confirmed' && h.reservationId) return { id: h.reservationId };
    if (h.status !== 'held') throw conflict(msg('tickets.hold_done', { status: h.status }));
    if (h.expiresAt.getTime() <= Date.now()) return { expired: true as const };
    const [t] = await tx
      .update(ticketTypes)
      .set({
        held: sql`${ticketTypes.held} - ${h.quantity}`,
        sold: sql`${ticketTypes.sold} + ${h.quantity}`,
      })
      .where(eq(ticketTypes.id, h.ticketTypeId))
      .returning({ price: ticketTypes.price });
    const [w] = await tx
      .update(waitlistEntries)
      .set({ status: 'accepted' })
      .where(and(eq(waitlistEntries.holdId, h.id), eq(waitlistEntries.status, 'offered')))
      .returning({ id: waitlistEntries.id, email: waitlistEntries.email });
    const id = await insertReservation(tx, {
      user,
      email: w?.email ?? user.email,
      ticketTypeId: h.ticketTypeId,
      quantity: h.quantity,
      unitPrice: t.price,
      source: w ? 'waitlist' : 'web',
    });
    await tx.update(holds).set({ status: 'confirmed', reservationId: id }).where(eq(holds.id, h.id));
    return { id };
  });
  if ('expired' in result) {
    await expireHold(d, holdId);
    throw conflict('this hold has expired and its seats were released; start again');
  }
  return reservation(d, user, result.id);
}

export async function cancel(
  d: TicketsDeps,
  user: User,
  reservationId: number,
): Promise<TicketReservationView> {
  const view = await reservation(d, user, reservationId);
  if (view.deleted) return view;
  if (new Date(view.startsAt).getTime() <= Date.now())
    throw conflict('the showtime has started; it can no longer be cancelled');
  if (view.checkedInAt) throw conflict('this ticket was already used at the door');
  await d.ctx.tx(async (tx) => {
    const [r] = await tx
      .delete(reservations)
      .where(and(eq(reservations.id, reservationId), eq(reservations.userId, user.id)))
      .returning();
    if (!r) return; // cancelled concurrently
    await tx
      .update(ticketTypes)
      .set({ sold: sql`${ticketTypes.sold} - ${r.quantity}` })
      .where(eq(ticketTypes.id, r.ticketTypeId));
    await emitTicketEvent(tx, TOPICS.reservationCancelled, {
      reservationId: r.id,
      ticketTypeId: r.ticketTypeId,
      userId: r.userId,
      quantity: r.quantity,
    });
    await offerFreedSeats(d, tx, r.ticketTypeId);
  });
  return reservation(d, user, reservationId);
}
