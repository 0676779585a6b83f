import { and, asc, desc, eq, gt, or, sql } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import type { Executor, Tx } from '../../platform/db.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import type { Consumer } from '../../platform/events/types.ts';
import { msg } from '../../platform/messages/index.ts';
import type { JobSpec } from '../../platform/module.ts';
import { emitTicketEvent, payloadOf, TOPICS } from './events.ts';
import { events, holds, showtimes, ticketTypes, waitlistEntries } from './schema.ts';
import { holdMinutes, waitlistOfferMinutes } from './settings.ts';
import { type HoldView, holdView, iso, type MyHoldView, type TicketsDeps } from './views.ts';

/** How long an expired hold stays in the buyer's list, so they learn the seats went back. */
const EXPIRED_SHOWN_MS = 24 * 3_600_000;

// Holding seats: taking them, giving them back (released, expired), handing freed ones to the
// waiting list as new holds, and the expiry job, consumer and sweep that end holds on time.
// Offering freed seats lives here, not in waitlist.ts, because every way of giving seats back ends in it.

export const soldOut = (left: number) =>
  new AppError(409, left > 0 ? msg('tickets.sold_out_left', { left }) : 'sold out', {
    available: Math.max(0, left),
  });

/** Ticket type with its showtime and event, for checks before selling. */
export async function sellable(exec: Executor, ticketTypeId: string) {
  const [row] = await exec
    .select({ t: ticketTypes, s: showtimes, e: events })
    .from(ticketTypes)
    .innerJoin(showtimes, eq(showtimes.id, ticketTypes.showtimeId))
    .innerJoin(events, eq(events.id, showtimes.eventId))
    .where(eq(ticketTypes.id, ticketTypeId));
  if (!row) throw notFound('ticket type');
  if (row.s.startsAt.getTime() <= Date.now())
    throw conflict('this showtime has already started; sales are closed');
  return row;
}

/**
 * Takes n seats in one conditional UPDATE: the row lock serialises concurrent buyers, and the
 * WHERE re-checks capacity after the lock, so the quota is never passed.
 */
async function take(tx: Tx, ticketTypeId: string, n: number, column: 'sold' | 'held') {
  const col = column === 'sold' ? ticketTypes.sold : ticketTypes.held;
  const updated = await tx
    .update(ticketTypes)
    .set({ [column]: sql`${col} + ${n}` })
    .where(
      and(
        eq(ticketTypes.id, ticketTypeId),
        sql`${ticketTypes.quota} - ${ticketTypes.sold} - ${ticketTypes.held} >= ${n}`,
      ),
    )
    .returning({ id: ticketTypes.id });
  if (updated.length === 0) {
    const [t] = await tx
      .select({ left: sql<number>`${ticketTypes.quota} - ${ticketTypes.sold} - ${ticketTypes.held}` })
      .from(ticketTypes)
      .where(eq(ticketTypes.id, ticketTypeId));
    throw soldOut(t ? Number(t.left) : 0);
  }
}

/** Step one on the web: seats are held for the holdMinutes setting while the buyer confirms. */
export async function hold(
  { ctx }: TicketsDeps,
  user: User,
  input: { ticketTypeId: string; quantity: number },
): Promise<HoldView> {
  await sellable(ctx.database.db, input.ticketTypeId);
  const expiresAt = new Date(Date.now() + ctx.settings.get(holdMinutes) * 60_000);
  const h = await ctx.tx(async (tx) => {
    await take(tx, input.ticketTypeId, input.quantity, 'held');
    const [h] = await tx
      .insert(holds)
      .values({ ticketTypeId: input.ticketTypeId, userId: user.id, quantity: input.quantity, expiresAt })
      .returning();
    await emitTicketEvent(tx, TOPICS.holdCreated, { holdId: h.id, expiresAt: iso(expiresAt) });
    return h;
  });
  return holdView(h);
}

export async function getHold({ ctx }: TicketsDeps, user: User, holdId: string): Promise<HoldView> {
  const [h] = await ctx.database.db.select().from(holds).where(eq(holds.id, holdId));
  if (!h || h.userId !== user.id) throw notFound('hold');
  return holdView(h);
}

/**
 * The buyer's open holds (seats waiting to be confirmed) and those that ran out in the last day,
 * newest first, each with its event, showtime and ticket type.
 */
export async function myHolds({ ctx }: TicketsDeps, user: User): Promise<MyHoldView[]> {
  const rows = await ctx.database.db
    .select({ h: holds, t: ticketTypes, s: showtimes, e: events, w: waitlistEntries.id })
    .from(holds)
    .innerJoin(ticketTypes, eq(ticketTypes.id, holds.ticketTypeId))
    .innerJoin(showtimes, eq(showtimes.id, ticketTypes.showtimeId))
    .innerJoin(events, eq(events.id, showtimes.eventId))
    .leftJoin(waitlistEntries, eq(waitlistEntries.holdId, holds.id))
    .where(
      and(
        eq(holds.userId, user.id),
        or(
          eq(holds.status, 'held'),
          and(eq(holds.status, 'expired'), gt(holds.expiresAt, new Date(Date.now() - EXPIRED_SHOWN_MS))),
        ),
      ),
    )
    .orderBy(desc(holds.createdAt))
    .limit(50);
  return rows.map(({ h, t, s, e, w }) => ({
    ...holdView(h),
    // A hold past its time that the sweep has not ended yet is expired all the same.
    status: h.status === 'held' && h.expiresAt.getTime() <= Date.now() ? 'expired' : h.status,
    eventCode: e.code,
    eventTitle: e.title,
    posterUrl: e.posterUrl,
    venue: e.venue,
    timezone: e.timezone,
    startsAt: iso(s.startsAt),
    ticketTypeName: t.name,
    unitPrice: t.price,
    fromWaitlist: w !== null,
  }));
}

/** The buyer gives the held seats back before the hold runs out. */
export async function releaseHold(d: TicketsDeps, user: User, holdId: string): Promise<HoldView> {
  const h = await d.ctx.tx(async (tx) => {
    const [h] = await tx.select().from(holds).where(eq(holds.id, holdId));
    if (!h || h.userId !== user.id) throw notFound('hold');
    return endHold(d, tx, h.id, 'released');
  });
  if (!h) return getHold(d, user, holdId);
  return holdView(h);
}

/** Ends a hold whose time is up (job or sweep); a no-op if it was confirmed or ended meanwhile. */
export async function expireHold(d: TicketsDeps, holdId: string): Promise<boolean> {
  return d.ctx.tx(async (tx) => (await endHold(d, tx, holdId, 'expired', true)) !== undefined);
}

/** Ends every hold past its time; the safety net behind the per-hold jobs. */
export async function expireDueHolds(d: TicketsDeps, limit = 500): Promise<number> {
  const due = await d.ctx.database.db
    .select({ id: holds.id })
    .from(holds)
    .where(and(eq(holds.status, 'held'), sql`${holds.expiresAt} <= now()`))
    .limit(limit);
  let n = 0;
  for (const h of due) if (await expireHold(d, h.id)) n++;
  return n;
}

async function endHold(
  d: TicketsDeps,
  tx: Tx,
  holdId: string,
  status: 'expired' | 'released',
  onlyIfDue = false,
) {
  const [h] = await tx
    .update(holds)
    .set({ status })
    .where(
      and(
        eq(holds.id, holdId),
        eq(holds.status, 'held'),
        onlyIfDue ? sql`${holds.expiresAt} <= now()` : undefined,
      ),
    )
    .returning();
  if (!h) return undefined;
  await tx
    .update(ticketTypes)
    .set({ held: sql`${ticketTypes.held} - ${h.quantity}` })
    .where(eq(ticketTypes.id, h.ticketTypeId));
  const [w] = await tx
    .update(waitlistEntries)
    .set({ status: status === 'expired' ? 'expired' : 'left' })
    .where(and(eq(waitlistEntries.holdId, h.id), eq(waitlistEntries.status, 'offered')))
    .returning({ id: waitlistEntries.id });
  await emitTicketEvent(tx, status === 'expired' ? TOPICS.holdExpired : TOPICS.holdReleased, {
    holdId: h.id,
    ticketTypeId: h.ticketTypeId,
    quantity: h.quantity,
    waitlistEntryId: w?.id ?? null,
  });
  await offerFreedSeats(d, tx, h.ticketTypeId);
  return h;
}

/**
 * Hands freed seats to the waiting list, in the transaction that freed them: entries are served in
 * the order they joined, each getting a real hold for waitlistOfferMinutes; an entry that wants
 * more seats than are free keeps its place while smaller ones behind it are served.
 */
export async function offerFreedSeats({ ctx }: TicketsDeps, tx: Tx, ticketTypeId: string) {
  const [t] = await tx
    .select({
      left: sql<number>`${ticketTypes.quota} - ${ticketTypes.sold} - ${ticketTypes.held}`,
      startsAt: showtimes.startsAt,
    })
    .from(ticketTypes)
    .innerJoin(showtimes, eq(showtimes.id, ticketTypes.showtimeId))
    .where(eq(ticketTypes.id, ticketTypeId))
    .for('update', { of: ticketTypes });
  let left = t ? Number(t.left) : 0;
  if (!t || left <= 0 || t.startsAt.getTime() <= Date.now()) return;
  const waiting = await tx
    .select()
    .from(waitlistEntries)
    .where(and(eq(waitlistEntries.ticketTypeId, ticketTypeId), eq(waitlistEntries.status, 'waiting')))
    .orderBy(asc(waitlistEntries.createdAt), asc(waitlistEntries.id));
  const minutes = ctx.settings.get(waitlistOfferMinutes);
  for (const w of waiting) {
    if (left <= 0) break;
    if (w.quantity > left) continue;
    const expiresAt = new Date(Math.min(Date.now() + minutes * 60_000, t.startsAt.getTime()));
    await tx
      .update(ticketTypes)
      .set({ held: sql`${ticketTypes.held} + ${w.quantity}` })
      .where(eq(ticketTypes.id, ticketTypeId));
    const [h] = await tx
      .insert(holds)
      .values({ ticketTypeId, userId: w.userId, quantity: w.quantity, expiresAt })
      .returning();
    await tx
      .update(waitlistEntries)
      .set({ status: 'offered', holdId: h.id, offeredAt: new Date() })
      .where(eq(waitlistEntries.id, w.id));
    await emitTicketEvent(tx, TOPICS.holdCreated, { holdId: h.id, expiresAt: iso(expiresAt) });
    await emitTicketEvent(tx, TOPICS.waitlistOffered, {
      entryId: w.id,
      holdId: h.id,
      ticketTypeId,
      quantity: w.quantity,
      expiresAt: iso(expiresAt),
    });
    left -= w.quantity;
  }
}

// ---------------------------------------------------------------- expiry: job, consumer, sweep

const EXPIRE_HOLD_JOB = 'tickets.expire-hold';

/** Each hold gets a job at its expiry time; the minute sweep catches any that slipped through. */
export function holdJobs(d: TicketsDeps): JobSpec<never>[] {
  return [
    {
      name: EXPIRE_HOLD_JOB,
      handler: async ({ holdId }: { holdId: string }) => {
        await expireHold(d, holdId);
      },
    },
    {
      name: 'tickets.sweep-holds',
      handler: async () => {
        await expireDueHolds(d);
      },
      options: { cron: '* * * * *', retryLimit: 0 },
    },
  ];
}

/** Schedules the expiry job of every hold created. */
export function holdExpiryConsumer(ctx: Context): Consumer {
  return {
    name: 'hold-expiry',
    topics: [TOPICS.holdCreated],
    handle: async (event) => {
      const { holdId, expiresAt } = payloadOf(event, TOPICS.holdCreated);
      // The job id is the hold id, so a redelivered event schedules nothing new.
      await ctx.jobs.send(EXPIRE_HOLD_JOB, { holdId }, { id: holdId, startAfter: new Date(expiresAt) });
    },
  };
}
