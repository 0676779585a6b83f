import { and, eq, inArray, sql } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import { conflict, invalidField, notFound } from '../../platform/errors.ts';
import { msg } from '../../platform/messages/index.ts';
import { emitTicketEvent, TOPICS } from './events.ts';
import { offerFreedSeats, releaseHold, sellable } from './holds.ts';
import { events, holds, showtimes, ticketTypes, waitlistEntries } from './schema.ts';
import { holdView, iso, type TicketsDeps, type WaitlistView } from './views.ts';

// The waiting list: joining, leaving, and where each entry stands. Offering freed seats to it is
// part of giving seats back, so that lives with the holds (holds.ts).

export async function joinWaitlist(
  d: TicketsDeps,
  user: User,
  input: { ticketTypeId: string; quantity: number },
): Promise<WaitlistView> {
  const row = await sellable(d.ctx.database.db, input.ticketTypeId);
  const available = row.t.quota - row.t.sold - row.t.held;
  if (available >= input.quantity) {
    throw conflict(msg('tickets.available_instead', { available }), { available });
  }
  if (input.quantity > row.t.quota)
    throw invalidField('body.quantity', msg('tickets.more_than_quota', { quota: row.t.quota }));
  const id = await d.ctx.tx(async (tx) => {
    const [dup] = await tx
      .select({ id: waitlistEntries.id })
      .from(waitlistEntries)
      .where(
        and(
          eq(waitlistEntries.ticketTypeId, input.ticketTypeId),
          eq(waitlistEntries.userId, user.id),
          inArray(waitlistEntries.status, ['waiting', 'offered']),
        ),
      );
    if (dup) throw conflict('you are already on the waiting list for this ticket type', { id: dup.id });
    const [w] = await tx
      .insert(waitlistEntries)
      .values({
        ticketTypeId: input.ticketTypeId,
        userId: user.id,
        email: user.email,
        quantity: input.quantity,
      })
      .returning({ id: waitlistEntries.id });
    await emitTicketEvent(tx, TOPICS.waitlistJoined, {
      entryId: w.id,
      ticketTypeId: input.ticketTypeId,
      quantity: input.quantity,
    });
    // Seats may have freed between the check and now.
    await offerFreedSeats(d, tx, input.ticketTypeId);
    return w.id;
  });
  return waitlistEntry(d, user, id);
}

export async function leaveWaitlist(d: TicketsDeps, user: User, entryId: string): Promise<WaitlistView> {
  const entry = await waitlistEntry(d, user, entryId);
  if (entry.status === 'offered' && entry.hold) {
    await releaseHold(d, user, entry.hold.id);
  } else if (entry.status === 'waiting') {
    await d.ctx.database.db
      .update(waitlistEntries)
      .set({ status: 'left' })
      .where(and(eq(waitlistEntries.id, entryId), eq(waitlistEntries.status, 'waiting')));
  }
  return waitlistEntry(d, user, entryId);
}

export async function myWaitlist(d: TicketsDeps, user: User): Promise<WaitlistView[]> {
  const rows = await d.ctx.database.db
    .select({ id: waitlistEntries.id })
    .from(waitlistEntries)
    .where(eq(waitlistEntries.userId, user.id))
    .orderBy(sql`${waitlistEntries.createdAt} desc`);
  return Promise.all(rows.map((r) => waitlistEntry(d, user, r.id)));
}

export async function waitlistEntry(
  { ctx }: TicketsDeps,
  user: User,
  entryId: string,
): Promise<WaitlistView> {
  const row = await waitlistOffer({ ctx }, entryId);
  if (!row || row.w.userId !== user.id) throw notFound('waiting list entry');
  let position: number | null = null;
  if (row.w.status === 'waiting') {
    const [{ n }] = await ctx.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(waitlistEntries)
      .where(
        and(
          eq(waitlistEntries.ticketTypeId, row.w.ticketTypeId),
          eq(waitlistEntries.status, 'waiting'),
          // Compare in SQL: JavaScript dates lose PostgreSQL's microseconds.
          sql`(${waitlistEntries.createdAt}, ${waitlistEntries.id}) <= (select w.created_at, w.id from ticket_waitlist_entries w where w.id = ${row.w.id})`,
        ),
      );
    position = n;
  }
  return {
    id: row.w.id,
    ticketTypeId: row.w.ticketTypeId,
    eventId: row.e.id,
    eventTitle: row.e.title,
    startsAt: iso(row.s.startsAt),
    ticketTypeName: row.t.name,
    quantity: row.w.quantity,
    status: row.w.status,
    position,
    hold: row.h ? holdView(row.h) : null,
    createdAt: iso(row.w.createdAt),
  };
}

/** The entry with its ticket type, showtime, event and hold: what the offer mail is written from. */
export async function waitlistOffer({ ctx }: Pick<TicketsDeps, 'ctx'>, entryId: string) {
  const [row] = await ctx.database.db
    .select({ w: waitlistEntries, t: ticketTypes, s: showtimes, e: events, h: holds })
    .from(waitlistEntries)
    .innerJoin(ticketTypes, eq(ticketTypes.id, waitlistEntries.ticketTypeId))
    .innerJoin(showtimes, eq(showtimes.id, ticketTypes.showtimeId))
    .innerJoin(events, eq(events.id, showtimes.eventId))
    .leftJoin(holds, eq(holds.id, waitlistEntries.holdId))
    .where(eq(waitlistEntries.id, entryId));
  return row;
}
