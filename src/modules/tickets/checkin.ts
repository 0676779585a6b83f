import { and, eq, sql } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { msg } from '../../platform/messages/index.ts';
import { ownedEvent } from './catalogue.ts';
import { emitTicketEvent, TOPICS } from './events.ts';
import { signTicket, verifyTicket } from './qr.ts';
import { reservations } from './schema.ts';
import { reservationById, type TicketsDeps } from './views.ts';

/** The entry code on a ticket (its QR content): the reservation id, signed. */
export function ticketCode({ ctx }: TicketsDeps, reservationId: number): string {
  return signTicket(ctx.secret, reservationId);
}

/** Checks a ticket in at the door: staff of the event scan its code, once. */
export async function checkIn(d: TicketsDeps, staff: User, qr: string, eventId?: string) {
  const reservationId = verifyTicket(d.ctx.secret, qr.trim());
  if (reservationId === undefined)
    throw new AppError(422, 'not a valid yeyak ticket (forged or damaged code)', { result: 'invalid' });
  const view = await reservationById(d, reservationId);
  if (!view) throw new AppError(422, 'no such ticket', { result: 'invalid' });
  // Another organiser's ticket is answered like a missing one.
  await ownedEvent(d, staff, view.eventId).catch((err) => {
    throw err instanceof AppError && err.status === 404
      ? new AppError(422, 'no such ticket', { result: 'invalid' })
      : err;
  });
  if (eventId && eventId !== view.eventId) {
    throw new AppError(409, msg('tickets.other_event', { event: view.eventTitle }), {
      result: 'other-event',
      ticket: view,
    });
  }
  if (view.deleted)
    throw new AppError(409, 'this ticket was cancelled', { result: 'cancelled', ticket: view });
  const [r] = await d.ctx.tx(async (tx) => {
    const updated = await tx
      .update(reservations)
      .set({ checkedInAt: new Date(), checkedInBy: staff.id })
      .where(and(eq(reservations.id, reservationId), sql`${reservations.checkedInAt} is null`))
      .returning({ checkedInAt: reservations.checkedInAt });
    if (updated.length)
      await emitTicketEvent(tx, TOPICS.reservationCheckedIn, { reservationId, eventId: view.eventId });
    return updated;
  });
  const after = await reservationById(d, reservationId);
  if (!after) throw notFound('ticket');
  if (!r) {
    return {
      result: 'already' as const,
      description: `already checked in at ${after.checkedInAt}`,
      ticket: after,
    };
  }
  return { result: 'checked-in' as const, description: 'checked in', ticket: after };
}
