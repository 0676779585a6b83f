import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { ownedOr404 } from '../../platform/access.ts';
import type { User } from '../../platform/auth/service.ts';
import type { Tx } from '../../platform/db.ts';
import { sqlState } from '../../platform/db.ts';
import { conflict, invalidField, notFound } from '../../platform/errors.ts';
import { msg } from '../../platform/messages/index.ts';
import { isValidTimeZone } from '../../platform/time.ts';
import { emitTicketEvent, TOPICS } from './events.ts';
import { offerFreedSeats } from './holds.ts';
import { events, holds, showtimes, ticketTypes, waitlistEntries } from './schema.ts';
import { type EventView, iso, type TicketsDeps } from './views.ts';

// The catalogue: events, their showtimes and ticket types, as organisers write them and buyers see them.

export type TicketTypeInput = { id?: string; name: string; price: number; quota: number };
export type ShowtimeInput = { id?: string; startsAt: Date; ticketTypes: TicketTypeInput[] };
export type TicketEventInput = {
  code: string;
  title: string;
  posterUrl?: string | null;
  venue?: string | null;
  description?: string | null;
  timezone?: string;
  showtimes: ShowtimeInput[];
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function createEvent(
  d: TicketsDeps,
  organizer: User,
  input: TicketEventInput,
): Promise<EventView> {
  validateEventInput(input);
  for (const [i, s] of input.showtimes.entries()) refusePast(i, s.startsAt);
  try {
    const id = await d.ctx.tx(async (tx) => {
      const [e] = await tx
        .insert(events)
        .values({ ...eventDetails(input), organizerId: organizer.id })
        .returning({ id: events.id });
      await insertShowtimes(tx, e.id, input.showtimes);
      await emitTicketEvent(tx, TOPICS.eventCreated, { eventId: e.id, code: input.code });
      return e.id;
    });
    return getEvent(d, id);
  } catch (err) {
    if (sqlState(err) === '23505')
      throw conflict(msg('tickets.code_taken', { code: input.code }), { path: 'body.code' });
    throw err;
  }
}

async function insertShowtimes(tx: Tx, eventId: string, list: ShowtimeInput[]) {
  for (const s of list) {
    const [st] = await tx
      .insert(showtimes)
      .values({ eventId, startsAt: s.startsAt })
      .returning({ id: showtimes.id });
    await tx.insert(ticketTypes).values(
      s.ticketTypes.map((t, i) => ({
        showtimeId: st.id,
        name: t.name,
        price: t.price,
        quota: t.quota,
        position: i,
      })),
    );
  }
}

/**
 * Replaces the event's details and showtimes. Showtimes and ticket types given with an id are
 * updated; without one, added; left out, removed, but only if nothing was sold or held for them.
 * A quota never goes below what is sold and held.
 */
export async function updateEvent(
  d: TicketsDeps,
  actor: User,
  eventId: string,
  input: TicketEventInput,
): Promise<EventView> {
  validateEventInput(input);
  await ownedEvent(d, actor, eventId);
  try {
    await d.ctx.tx(async (tx) => {
      await tx
        .update(events)
        .set({ ...eventDetails(input), updatedAt: new Date() })
        .where(eq(events.id, eventId));
      const existing = await tx.select().from(showtimes).where(eq(showtimes.eventId, eventId));
      const existingTypes = existing.length
        ? await tx
            .select()
            .from(ticketTypes)
            .where(
              inArray(
                ticketTypes.showtimeId,
                existing.map((s) => s.id),
              ),
            )
            .for('update')
        : [];
      const keepShowtimes = new Set(input.showtimes.filter((s) => s.id).map((s) => s.id));
      for (const [si, s] of input.showtimes.entries()) {
        if (!s.id) {
          refusePast(si, s.startsAt);
          await insertShowtimes(tx, eventId, [s]);
          continue;
        }
        const before = existing.find((e) => e.id === s.id);
        if (!before) {
          throw invalidField(`body.showtimes.${si}.id`, 'no such showtime in this event');
        }
        // A showtime that already took place may stay as it was, but none may be moved into the past.
        if (before.startsAt.getTime() !== s.startsAt.getTime()) refusePast(si, s.startsAt);
        await tx.update(showtimes).set({ startsAt: s.startsAt }).where(eq(showtimes.id, s.id));
        const keepTypes = new Set(s.ticketTypes.filter((t) => t.id).map((t) => t.id));
        for (const [ti, t] of s.ticketTypes.entries()) {
          const path = `body.showtimes.${si}.ticketTypes.${ti}`;
          if (!t.id) {
            await tx
              .insert(ticketTypes)
              .values({ showtimeId: s.id, name: t.name, price: t.price, quota: t.quota, position: ti });
            continue;
          }
          const cur = existingTypes.find((x) => x.id === t.id && x.showtimeId === s.id);
          if (!cur) throw invalidField(`${path}.id`, 'no such ticket type in this showtime');
          if (t.quota < cur.sold + cur.held) {
            throw invalidField(
              `${path}.quota`,
              msg('tickets.quota_below_sold', { sold: cur.sold + cur.held }),
            );
          }
          await tx
            .update(ticketTypes)
            .set({ name: t.name, price: t.price, quota: t.quota, position: ti })
            .where(eq(ticketTypes.id, t.id));
          if (t.quota > cur.quota) await offerFreedSeats(d, tx, t.id);
        }
        for (const cur of existingTypes.filter((x) => x.showtimeId === s.id && !keepTypes.has(x.id))) {
          await removeTicketType(tx, cur);
        }
      }
      for (const st of existing.filter((e) => !keepShowtimes.has(e.id))) {
        for (const cur of existingTypes.filter((x) => x.showtimeId === st.id))
          await removeTicketType(tx, cur);
        await tx.delete(showtimes).where(eq(showtimes.id, st.id));
      }
      await emitTicketEvent(tx, TOPICS.eventUpdated, { eventId });
    });
  } catch (err) {
    if (sqlState(err) === '23505')
      throw conflict(msg('tickets.code_taken', { code: input.code }), { path: 'body.code' });
    throw err;
  }
  return getEvent(d, eventId);
}

async function removeTicketType(tx: Tx, t: typeof ticketTypes.$inferSelect) {
  const [{ n }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(sql`ticket_reservation_history`)
    .where(sql`ticket_type_id = ${t.id}`);
  if (t.sold > 0 || t.held > 0 || n > 0) {
    throw conflict(msg('tickets.type_has_reservations', { name: t.name }));
  }
  await tx.delete(waitlistEntries).where(eq(waitlistEntries.ticketTypeId, t.id));
  await tx.delete(holds).where(eq(holds.ticketTypeId, t.id));
  await tx.delete(ticketTypes).where(eq(ticketTypes.id, t.id));
}

export async function hasEvents({ ctx }: TicketsDeps): Promise<boolean> {
  const [row] = await ctx.database.db.select({ id: events.id }).from(events).limit(1);
  return row !== undefined;
}

/** Events with at least one showtime still to come, soonest first. */
export async function listEvents(
  d: TicketsDeps,
  opts: { organizerId?: string; includePast?: boolean } = {},
): Promise<EventView[]> {
  const conditions = [];
  if (opts.organizerId) conditions.push(eq(events.organizerId, opts.organizerId));
  if (!opts.includePast) {
    conditions.push(
      sql`exists (select 1 from ticket_showtimes s where s.event_id = ${events.id} and s.starts_at > now())`,
    );
  }
  // Whole rows at once (not ids, then the rows): one round trip less on the busiest public read.
  const rows = await d.ctx.database.db
    .select()
    .from(events)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(
      sql`(select min(s.starts_at) from ticket_showtimes s where s.event_id = ${events.id} and s.starts_at > now()) nulls last`,
      asc(events.title),
    );
  return eventViews(d, rows);
}

export async function getEvent(d: TicketsDeps, idOrCode: string): Promise<EventView> {
  const isUuid = UUID.test(idOrCode);
  const [row] = await d.ctx.database.db
    .select()
    .from(events)
    .where(isUuid ? eq(events.id, idOrCode) : sql`upper(${events.code}) = upper(${idOrCode})`);
  if (!row) throw notFound('event');
  return (await eventViews(d, [row]))[0];
}

/** The events' showtimes and ticket types, read in one query (showtimes joined with their types). */
async function eventViews({ ctx }: TicketsDeps, evs: (typeof events.$inferSelect)[]): Promise<EventView[]> {
  if (evs.length === 0) return [];
  const rows = await ctx.database.db
    .select({
      s: showtimes,
      t: ticketTypes,
      waiting: sql<number>`(select coalesce(sum(w.quantity), 0)::int from ticket_waitlist_entries w where w.ticket_type_id = ${ticketTypes.id} and w.status = 'waiting')`,
    })
    .from(showtimes)
    .leftJoin(ticketTypes, eq(ticketTypes.showtimeId, showtimes.id))
    .where(
      inArray(
        showtimes.eventId,
        evs.map((e) => e.id),
      ),
    )
    .orderBy(asc(showtimes.startsAt), asc(showtimes.id), asc(ticketTypes.position));
  const now = Date.now();
  // Rows come ordered by showtime, then position: group them without re-sorting.
  const byEvent = new Map<string, EventView['showtimes']>();
  let current: EventView['showtimes'][number] | undefined;
  for (const { s, t, waiting } of rows) {
    if (current?.id !== s.id) {
      current = { id: s.id, startsAt: iso(s.startsAt), past: s.startsAt.getTime() <= now, ticketTypes: [] };
      const list = byEvent.get(s.eventId);
      if (list) list.push(current);
      else byEvent.set(s.eventId, [current]);
    }
    if (t)
      current.ticketTypes.push({
        id: t.id,
        name: t.name,
        price: t.price,
        quota: t.quota,
        sold: t.sold,
        held: t.held,
        available: t.quota - t.sold - t.held,
        waiting: Number(waiting),
      });
  }
  return evs.map((e) => ({
    id: e.id,
    code: e.code,
    title: e.title,
    posterUrl: e.posterUrl,
    venue: e.venue,
    description: e.description,
    timezone: e.timezone,
    organizerId: e.organizerId,
    showtimes: byEvent.get(e.id) ?? [],
  }));
}

/**
 * The event, if the actor organises it (admins may act on every event). Every route and module that
 * takes an event id on an organiser's behalf goes through here. Someone else's event is answered
 * like a missing one, so ids cannot be probed.
 */
export async function ownedEvent({ ctx }: TicketsDeps, actor: User, eventId: string) {
  if (!UUID.test(eventId)) throw notFound('event');
  const [e] = await ctx.database.db.select().from(events).where(eq(events.id, eventId));
  return ownedOr404(actor, e, (row) => row.organizerId, 'event');
}

/** The event row's own columns from the input (showtimes go to their tables). */
function eventDetails(input: TicketEventInput) {
  return {
    code: input.code,
    title: input.title,
    posterUrl: input.posterUrl ?? null,
    venue: input.venue ?? null,
    description: input.description ?? null,
    timezone: input.timezone ?? 'Asia/Seoul',
  };
}

/** New and moved showtimes must start in the future: nobody can buy a ticket for the past. */
function refusePast(index: number, startsAt: Date) {
  if (startsAt.getTime() <= Date.now())
    throw invalidField(`body.showtimes.${index}.startsAt`, 'is in the past; pick a time still to come');
}

function validateEventInput(input: TicketEventInput) {
  if (input.showtimes.length === 0) throw invalidField('body.showtimes', 'add at least one showtime');
  const seen = new Set<number>();
  for (const [i, s] of input.showtimes.entries()) {
    const t = s.startsAt.getTime();
    if (seen.has(t))
      throw invalidField(`body.showtimes.${i}.startsAt`, 'two showtimes start at the same time');
    seen.add(t);
    if (s.ticketTypes.length === 0)
      throw invalidField(`body.showtimes.${i}.ticketTypes`, 'add at least one ticket type');
    const names = new Set<string>();
    for (const [j, tt] of s.ticketTypes.entries()) {
      if (names.has(tt.name))
        throw invalidField(`body.showtimes.${i}.ticketTypes.${j}.name`, 'duplicate ticket type name');
      names.add(tt.name);
      if (tt.quota < 1) throw invalidField(`body.showtimes.${i}.ticketTypes.${j}.quota`, 'at least 1');
    }
  }
  if (input.timezone && !isValidTimeZone(input.timezone))
    throw invalidField('body.timezone', 'unknown time zone');
}
