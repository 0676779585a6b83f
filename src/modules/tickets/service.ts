import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import type { Executor, Tx } from '../../platform/db.ts';
import { selectRows, sqlState } from '../../platform/db.ts';
import { AppError, conflict, invalidField, notFound } from '../../platform/errors.ts';
import { emit } from '../../platform/events/outbox.ts';
import { isValidTimeZone, zonedParts, zonedToInstant } from '../../platform/time.ts';
import { freeCheckout, type PaymentProvider } from './payments.ts';
import { signTicket, verifyTicket } from './qr.ts';
import { events, holds, reservations, showtimes, ticketTypes, waitlistEntries } from './schema.ts';

export type TicketTypeInput = { id?: string; name: string; price: number; quota: number };
export type ShowtimeInput = { id?: string; startsAt: Date; ticketTypes: TicketTypeInput[] };
export type EventInput = {
  code: string;
  title: string;
  posterUrl?: string | null;
  venue?: string | null;
  description?: string | null;
  timezone?: string;
  showtimes: ShowtimeInput[];
};

export type TicketTypeView = {
  id: string;
  name: string;
  price: number;
  quota: number;
  sold: number;
  held: number;
  available: number;
  waiting: number;
};
export type ShowtimeView = { id: string; startsAt: string; past: boolean; ticketTypes: TicketTypeView[] };
export type EventView = {
  id: string;
  code: string;
  title: string;
  posterUrl: string | null;
  venue: string | null;
  description: string | null;
  timezone: string;
  organizerId: string;
  showtimes: ShowtimeView[];
};

export type ReservationView = {
  id: number;
  eventId: string;
  eventCode: string;
  eventTitle: string;
  posterUrl: string | null;
  venue: string | null;
  timezone: string;
  showtimeId: string;
  startsAt: string;
  ticketTypeId: string;
  ticketTypeName: string;
  quantity: number;
  unitPrice: number;
  totalPrice: number;
  email: string;
  source: 'web' | 'api' | 'waitlist';
  createdAt: string;
  checkedInAt: string | null;
  cancelledAt: string | null;
  deleted: boolean;
};

export type HoldView = {
  id: string;
  ticketTypeId: string;
  quantity: number;
  status: 'held' | 'confirmed' | 'expired' | 'released';
  expiresAt: string;
  reservationId: number | null;
};

export type WaitlistView = {
  id: string;
  ticketTypeId: string;
  eventId: string;
  eventTitle: string;
  startsAt: string;
  ticketTypeName: string;
  quantity: number;
  status: 'waiting' | 'offered' | 'accepted' | 'expired' | 'left';
  position: number | null;
  hold: HoldView | null;
  createdAt: string;
};

export const soldOut = (left: number) =>
  new AppError(409, left > 0 ? `sold out: only ${left} left` : 'sold out', { available: Math.max(0, left) });

const iso = (d: Date | string) => new Date(d).toISOString();

function holdView(h: typeof holds.$inferSelect): HoldView {
  return {
    id: h.id,
    ticketTypeId: h.ticketTypeId,
    quantity: h.quantity,
    status: h.status,
    expiresAt: iso(h.expiresAt),
    reservationId: h.reservationId,
  };
}

/** The tickets module: catalogue, holds, reservations, cancellation, check-in, waiting list, sales. */
export class Tickets {
  constructor(
    private readonly ctx: Context,
    private readonly payments: PaymentProvider = freeCheckout,
  ) {}

  // ---------------------------------------------------------------- catalogue

  async createEvent(organizer: User, input: EventInput): Promise<EventView> {
    validateEventInput(input);
    try {
      const id = await this.ctx.tx(async (tx) => {
        const [e] = await tx
          .insert(events)
          .values({ ...eventDetails(input), organizerId: organizer.id })
          .returning({ id: events.id });
        await this.insertShowtimes(tx, e.id, input.showtimes);
        await emit(tx, 'event.created', { eventId: e.id, code: input.code });
        return e.id;
      });
      return this.getEvent(id);
    } catch (err) {
      if (sqlState(err) === '23505')
        throw conflict(`event code ${input.code} is already taken`, { path: 'body.code' });
      throw err;
    }
  }

  private async insertShowtimes(tx: Tx, eventId: string, list: ShowtimeInput[]) {
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
  async updateEvent(actor: User, eventId: string, input: EventInput): Promise<EventView> {
    validateEventInput(input);
    await this.ownedEvent(actor, eventId);
    try {
      await this.ctx.tx(async (tx) => {
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
            await this.insertShowtimes(tx, eventId, [s]);
            continue;
          }
          if (!existing.some((e) => e.id === s.id)) {
            throw invalidField(`body.showtimes.${si}.id`, 'no such showtime in this event');
          }
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
                `cannot be below the ${cur.sold + cur.held} tickets already sold or held`,
              );
            }
            await tx
              .update(ticketTypes)
              .set({ name: t.name, price: t.price, quota: t.quota, position: ti })
              .where(eq(ticketTypes.id, t.id));
            if (t.quota > cur.quota) await this.offerFreedSeats(tx, t.id);
          }
          for (const cur of existingTypes.filter((x) => x.showtimeId === s.id && !keepTypes.has(x.id))) {
            await this.removeTicketType(tx, cur);
          }
        }
        for (const st of existing.filter((e) => !keepShowtimes.has(e.id))) {
          for (const cur of existingTypes.filter((x) => x.showtimeId === st.id))
            await this.removeTicketType(tx, cur);
          await tx.delete(showtimes).where(eq(showtimes.id, st.id));
        }
        await emit(tx, 'event.updated', { eventId });
      });
    } catch (err) {
      if (sqlState(err) === '23505')
        throw conflict(`event code ${input.code} is already taken`, { path: 'body.code' });
      throw err;
    }
    return this.getEvent(eventId);
  }

  private async removeTicketType(tx: Tx, t: typeof ticketTypes.$inferSelect) {
    const [{ n }] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(sql`ticket_reservation_history`)
      .where(sql`ticket_type_id = ${t.id}`);
    if (t.sold > 0 || t.held > 0 || n > 0) {
      throw conflict(`ticket type "${t.name}" has reservations and cannot be removed; set its quota instead`);
    }
    await tx.delete(waitlistEntries).where(eq(waitlistEntries.ticketTypeId, t.id));
    await tx.delete(holds).where(eq(holds.ticketTypeId, t.id));
    await tx.delete(ticketTypes).where(eq(ticketTypes.id, t.id));
  }

  async hasEvents(): Promise<boolean> {
    const [row] = await this.ctx.database.db.select({ id: events.id }).from(events).limit(1);
    return row !== undefined;
  }

  /** Events with at least one showtime still to come, soonest first. */
  async listEvents(opts: { organizerId?: string; includePast?: boolean } = {}): Promise<EventView[]> {
    const conditions = [];
    if (opts.organizerId) conditions.push(eq(events.organizerId, opts.organizerId));
    if (!opts.includePast) {
      conditions.push(
        sql`exists (select 1 from ticket_showtimes s where s.event_id = ${events.id} and s.starts_at > now())`,
      );
    }
    const rows = await this.ctx.database.db
      .select({ id: events.id })
      .from(events)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(
        sql`(select min(s.starts_at) from ticket_showtimes s where s.event_id = ${events.id} and s.starts_at > now()) nulls last`,
        asc(events.title),
      );
    return this.eventViews(rows.map((r) => r.id));
  }

  async getEvent(idOrCode: string): Promise<EventView> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrCode);
    const [row] = await this.ctx.database.db
      .select({ id: events.id })
      .from(events)
      .where(isUuid ? eq(events.id, idOrCode) : sql`upper(${events.code}) = upper(${idOrCode})`);
    if (!row) throw notFound('event');
    return (await this.eventViews([row.id]))[0];
  }

  private async eventViews(ids: string[]): Promise<EventView[]> {
    if (ids.length === 0) return [];
    const db = this.ctx.database.db;
    const evs = await db.select().from(events).where(inArray(events.id, ids));
    const sts = await db
      .select()
      .from(showtimes)
      .where(inArray(showtimes.eventId, ids))
      .orderBy(asc(showtimes.startsAt));
    const tts = sts.length
      ? await db
          .select({
            t: ticketTypes,
            waiting: sql<number>`(select coalesce(sum(w.quantity), 0)::int from ticket_waitlist_entries w where w.ticket_type_id = ${ticketTypes.id} and w.status = 'waiting')`,
          })
          .from(ticketTypes)
          .where(
            inArray(
              ticketTypes.showtimeId,
              sts.map((s) => s.id),
            ),
          )
          .orderBy(asc(ticketTypes.position))
      : [];
    const now = Date.now();
    const byId = new Map(evs.map((e) => [e.id, e]));
    return ids
      .map((id) => byId.get(id))
      .filter((e): e is typeof events.$inferSelect => e !== undefined)
      .map((e) => ({
        id: e.id,
        code: e.code,
        title: e.title,
        posterUrl: e.posterUrl,
        venue: e.venue,
        description: e.description,
        timezone: e.timezone,
        organizerId: e.organizerId,
        showtimes: sts
          .filter((s) => s.eventId === e.id)
          .map((s) => ({
            id: s.id,
            startsAt: iso(s.startsAt),
            past: s.startsAt.getTime() <= now,
            ticketTypes: tts
              .filter((x) => x.t.showtimeId === s.id)
              .map(({ t, waiting }) => ({
                id: t.id,
                name: t.name,
                price: t.price,
                quota: t.quota,
                sold: t.sold,
                held: t.held,
                available: t.quota - t.sold - t.held,
                waiting,
              })),
          })),
      }));
  }

  /**
   * The event, if the actor organises it (admins may act on every event). Every route and module that
   * takes an event id on an organiser's behalf goes through here. Someone else's event is answered
   * like a missing one, so ids cannot be probed.
   */
  async ownedEvent(actor: User, eventId: string) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(eventId))
      throw notFound('event');
    const [e] = await this.ctx.database.db.select().from(events).where(eq(events.id, eventId));
    if (!e || (actor.role !== 'admin' && e.organizerId !== actor.id)) throw notFound('event');
    return e;
  }

  /** Ticket type with its showtime and event, for checks before selling. */
  private async sellable(exec: Executor, ticketTypeId: string) {
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

  // ---------------------------------------------------------------- selling

  /**
   * Takes n seats in one conditional UPDATE: the row lock serialises concurrent buyers, and the
   * WHERE re-checks capacity after the lock, so the quota is never passed.
   */
  private async take(tx: Tx, ticketTypeId: string, n: number, column: 'sold' | 'held') {
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

  /** One-step reservation (the original API and scripts): seats are sold at once. */
  async reserve(
    user: User,
    input: { ticketTypeId: string; quantity: number; email?: string; source?: 'api' | 'web' },
  ): Promise<ReservationView> {
    const n = input.quantity;
    const source = input.source ?? 'api';
    // The hot path in one statement (one round trip, atomic on its own): take the seats if the
    // showtime is ahead and enough are left, write the reservation and its outbox event, and read
    // back what the answer shows. The row lock on the ticket type lasts only this statement.
    const rows = await selectRows(
      this.ctx.database.db,
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
        select 'reservation.confirmed', jsonb_build_object('reservationId', id, 'ticketTypeId', ticket_type_id,
               'userId', user_id, 'quantity', quantity, 'totalPrice', total_price)
          from res
        returning id
      )
      select r.id, r.ticket_type_id, r.email, r.quantity, r.unit_price, r.total_price, r.source, r.created_at,
             r.checked_in_at, null::timestamptz as cancelled_at, false as deleted, r.user_id,
             t.name as ticket_type_name, s.id as showtime_id, s.starts_at,
             e.id as event_id, e.code as event_code, e.title as event_title, e.poster_url, e.venue, e.timezone
        from res r
        join ticket_types t on t.id = r.ticket_type_id
        join ticket_showtimes s on s.id = t.showtime_id
        join ticket_events e on e.id = s.event_id`,
    );
    if (rows.length === 0) {
      // Nothing taken: say why (unknown type, started showtime, or not enough left).
      const row = await this.sellable(this.ctx.database.db, input.ticketTypeId);
      throw soldOut(row.t.quota - row.t.sold - row.t.held);
    }
    this.ctx.relay.nudge();
    return this.toView(rows[0]);
  }

  private async insertReservation(
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
      .returning({ id: reservations.id });
    await emit(tx, 'reservation.confirmed', {
      reservationId: res.id,
      ticketTypeId: r.ticketTypeId,
      userId: r.user.id,
      quantity: r.quantity,
      totalPrice: r.unitPrice * r.quantity,
    });
    return res.id;
  }

  /** Step one on the web: seats are held for holdMinutes while the buyer confirms. */
  async hold(user: User, input: { ticketTypeId: string; quantity: number }): Promise<HoldView> {
    await this.sellable(this.ctx.database.db, input.ticketTypeId);
    const expiresAt = new Date(Date.now() + this.ctx.config.holdMinutes * 60_000);
    const h = await this.ctx.tx(async (tx) => {
      await this.take(tx, input.ticketTypeId, input.quantity, 'held');
      const [h] = await tx
        .insert(holds)
        .values({ ticketTypeId: input.ticketTypeId, userId: user.id, quantity: input.quantity, expiresAt })
        .returning();
      await emit(tx, 'hold.created', { holdId: h.id, expiresAt: iso(expiresAt) });
      return h;
    });
    return holdView(h);
  }

  async getHold(user: User, holdId: string): Promise<HoldView> {
    const [h] = await this.ctx.database.db.select().from(holds).where(eq(holds.id, holdId));
    if (!h || h.userId !== user.id) throw notFound('hold');
    return holdView(h);
  }

  /** Step two: the held seats become a reservation, after the payment provider charged them (free for now). */
  async confirm(user: User, holdId: string): Promise<ReservationView> {
    const [pending] = await this.ctx.database.db
      .select({ h: holds, price: ticketTypes.price })
      .from(holds)
      .innerJoin(ticketTypes, eq(ticketTypes.id, holds.ticketTypeId))
      .where(eq(holds.id, holdId));
    if (!pending || pending.h.userId !== user.id) throw notFound('hold');
    if (pending.h.status === 'held' && pending.h.expiresAt.getTime() > Date.now()) {
      await this.payments.charge({ holdId, userId: user.id, amountKrw: pending.price * pending.h.quantity });
    }
    const result = await this.ctx.tx(async (tx) => {
      const [h] = await tx.select().from(holds).where(eq(holds.id, holdId)).for('update');
      if (!h || h.userId !== user.id) throw notFound('hold');
      if (h.status === 'confirmed' && h.reservationId) return { id: h.reservationId };
      if (h.status !== 'held') throw conflict(`this hold is ${h.status}; start again`);
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
      const id = await this.insertReservation(tx, {
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
      await this.expireHold(holdId);
      throw conflict('this hold has expired and its seats were released; start again');
    }
    return this.reservation(user, result.id);
  }

  /** The buyer gives the held seats back before the hold runs out. */
  async releaseHold(user: User, holdId: string): Promise<HoldView> {
    const h = await this.ctx.tx(async (tx) => {
      const [h] = await tx.select().from(holds).where(eq(holds.id, holdId));
      if (!h || h.userId !== user.id) throw notFound('hold');
      return this.endHold(tx, h.id, 'released');
    });
    if (!h) return this.getHold(user, holdId);
    return holdView(h);
  }

  /** Ends a hold whose time is up (job or sweep); a no-op if it was confirmed or ended meanwhile. */
  async expireHold(holdId: string): Promise<boolean> {
    return this.ctx.tx(async (tx) => (await this.endHold(tx, holdId, 'expired', true)) !== undefined);
  }

  /** Ends every hold past its time; the safety net behind the per-hold jobs. */
  async expireDueHolds(limit = 500): Promise<number> {
    const due = await this.ctx.database.db
      .select({ id: holds.id })
      .from(holds)
      .where(and(eq(holds.status, 'held'), sql`${holds.expiresAt} <= now()`))
      .limit(limit);
    let n = 0;
    for (const h of due) if (await this.expireHold(h.id)) n++;
    return n;
  }

  private async endHold(tx: Tx, holdId: string, status: 'expired' | 'released', onlyIfDue = false) {
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
    await emit(tx, `hold.${status}`, {
      holdId: h.id,
      ticketTypeId: h.ticketTypeId,
      quantity: h.quantity,
      waitlistEntryId: w?.id ?? null,
    });
    await this.offerFreedSeats(tx, h.ticketTypeId);
    return h;
  }

  async cancel(user: User, reservationId: number): Promise<ReservationView> {
    const view = await this.reservation(user, reservationId);
    if (view.deleted) return view;
    if (new Date(view.startsAt).getTime() <= Date.now())
      throw conflict('the showtime has started; it can no longer be cancelled');
    if (view.checkedInAt) throw conflict('this ticket was already used at the door');
    await this.ctx.tx(async (tx) => {
      const [r] = await tx
        .delete(reservations)
        .where(and(eq(reservations.id, reservationId), eq(reservations.userId, user.id)))
        .returning();
      if (!r) return; // cancelled concurrently
      await tx
        .update(ticketTypes)
        .set({ sold: sql`${ticketTypes.sold} - ${r.quantity}` })
        .where(eq(ticketTypes.id, r.ticketTypeId));
      await emit(tx, 'reservation.cancelled', {
        reservationId: r.id,
        ticketTypeId: r.ticketTypeId,
        userId: r.userId,
        quantity: r.quantity,
      });
      await this.offerFreedSeats(tx, r.ticketTypeId);
    });
    return this.reservation(user, reservationId);
  }

  // ---------------------------------------------------------------- reading reservations

  private historyQuery(exec: Executor, where: SQL) {
    return selectRows(
      exec,
      sql`
      select h.id, h.ticket_type_id, h.email, h.quantity, h.unit_price, h.total_price, h.source, h.created_at,
             h.checked_in_at, h.cancelled_at, h.deleted, h.user_id,
             t.name as ticket_type_name, s.id as showtime_id, s.starts_at,
             e.id as event_id, e.code as event_code, e.title as event_title, e.poster_url, e.venue, e.timezone
        from ticket_reservation_history h
        join ticket_types t on t.id = h.ticket_type_id
        join ticket_showtimes s on s.id = t.showtime_id
        join ticket_events e on e.id = s.event_id
       where ${where}
       order by h.created_at desc, h.id desc`,
    );
  }

  private toView(r: Record<string, unknown>): ReservationView {
    return {
      id: Number(r.id),
      eventId: String(r.event_id),
      eventCode: String(r.event_code),
      eventTitle: String(r.event_title),
      posterUrl: (r.poster_url as string | null) ?? null,
      venue: (r.venue as string | null) ?? null,
      timezone: String(r.timezone),
      showtimeId: String(r.showtime_id),
      startsAt: iso(r.starts_at as Date),
      ticketTypeId: String(r.ticket_type_id),
      ticketTypeName: String(r.ticket_type_name),
      quantity: Number(r.quantity),
      unitPrice: Number(r.unit_price),
      totalPrice: Number(r.total_price),
      email: String(r.email),
      source: r.source as ReservationView['source'],
      createdAt: iso(r.created_at as Date),
      checkedInAt: r.checked_in_at ? iso(r.checked_in_at as Date) : null,
      cancelledAt: r.cancelled_at ? iso(r.cancelled_at as Date) : null,
      deleted: r.deleted === true || r.deleted === 't',
    };
  }

  async myReservations(user: User): Promise<ReservationView[]> {
    const res = await this.historyQuery(this.ctx.database.db, sql`h.user_id = ${user.id}`);
    return res.map((r) => this.toView(r));
  }

  /** One reservation of the user's (cancelled ones too: they stay in the history). */
  async reservation(user: User, id: number): Promise<ReservationView> {
    const res = await this.historyQuery(this.ctx.database.db, sql`h.id = ${id} and h.user_id = ${user.id}`);
    const row = res[0];
    if (!row) throw notFound('reservation');
    return this.toView(row);
  }

  /** For the mail consumer: a live reservation by id, whoever owns it. */
  async reservationById(id: number): Promise<ReservationView | undefined> {
    const res = await this.historyQuery(this.ctx.database.db, sql`h.id = ${id}`);
    const row = res[0];
    return row ? this.toView(row) : undefined;
  }

  ticketCode(reservationId: number): string {
    return signTicket(this.ctx.secret, reservationId);
  }

  // ---------------------------------------------------------------- the original reservation API

  /** Resolves the original API's performanceId + date + time + price to a ticket type, checking title and price. */
  async resolveOriginal(input: {
    performanceId: string;
    performanceTitle: string;
    reservationDate: string;
    reservationTime: string;
    reservationPrice: number;
    reservationTicketCount: number;
  }): Promise<{ ticketTypeId: string }> {
    let event: EventView;
    try {
      event = await this.getEvent(input.performanceId);
    } catch (err) {
      if (err instanceof AppError && err.status === 404)
        throw new AppError(404, `no performance ${input.performanceId}`, {
          errors: [{ path: 'body.performanceId', message: 'unknown performance' }],
        });
      throw err;
    }
    if (event.title.trim() !== input.performanceTitle.trim()) {
      throw invalidField('body.performanceTitle', `does not match the performance title "${event.title}"`);
    }
    const startsAt = zonedToInstant(input.reservationDate, input.reservationTime, event.timezone);
    const showtime = event.showtimes.find((s) => new Date(s.startsAt).getTime() === startsAt.getTime());
    if (!showtime) {
      const times = event.showtimes.map((s) => {
        const z = zonedParts(new Date(s.startsAt), event.timezone);
        return `${z.date} ${z.time}`;
      });
      throw invalidField(
        'body.reservationTime',
        `no showtime at ${input.reservationDate} ${input.reservationTime} (${event.timezone}); showtimes: ${times.join(', ') || 'none'}`,
      );
    }
    if (showtime.past) throw invalidField('body.reservationDate', 'this showtime has already started');
    const candidates = showtime.ticketTypes.filter((t) => t.price === input.reservationPrice);
    if (candidates.length === 0) {
      throw invalidField(
        'body.reservationPrice',
        `does not match a ticket price of this showtime (${showtime.ticketTypes.map((t) => t.price).join(', ')})`,
      );
    }
    const fit = candidates.find((t) => t.available >= input.reservationTicketCount) ?? candidates[0];
    return { ticketTypeId: fit.id };
  }

  // ---------------------------------------------------------------- check-in

  async checkIn(staff: User, qr: string, eventId?: string) {
    const reservationId = verifyTicket(this.ctx.secret, qr.trim());
    if (reservationId === undefined)
      throw new AppError(422, 'not a valid yeyak ticket (forged or damaged code)', { result: 'invalid' });
    const view = await this.reservationById(reservationId);
    if (!view) throw new AppError(422, 'no such ticket', { result: 'invalid' });
    // Another organiser's ticket is answered like a missing one.
    await this.ownedEvent(staff, view.eventId).catch((err) => {
      throw err instanceof AppError && err.status === 404
        ? new AppError(422, 'no such ticket', { result: 'invalid' })
        : err;
    });
    if (eventId && eventId !== view.eventId) {
      throw new AppError(409, `this ticket is for another event: ${view.eventTitle}`, {
        result: 'other-event',
        ticket: view,
      });
    }
    if (view.deleted)
      throw new AppError(409, 'this ticket was cancelled', { result: 'cancelled', ticket: view });
    const [r] = await this.ctx.tx(async (tx) => {
      const updated = await tx
        .update(reservations)
        .set({ checkedInAt: new Date(), checkedInBy: staff.id })
        .where(and(eq(reservations.id, reservationId), sql`${reservations.checkedInAt} is null`))
        .returning({ checkedInAt: reservations.checkedInAt });
      if (updated.length) await emit(tx, 'reservation.checked_in', { reservationId, eventId: view.eventId });
      return updated;
    });
    const after = await this.reservationById(reservationId);
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

  // ---------------------------------------------------------------- waiting list

  async joinWaitlist(user: User, input: { ticketTypeId: string; quantity: number }): Promise<WaitlistView> {
    const row = await this.sellable(this.ctx.database.db, input.ticketTypeId);
    const available = row.t.quota - row.t.sold - row.t.held;
    if (available >= input.quantity) {
      throw conflict(`${available} tickets are available: reserve them instead of waiting`, { available });
    }
    if (input.quantity > row.t.quota)
      throw invalidField('body.quantity', `more than the ${row.t.quota} tickets of this type`);
    const id = await this.ctx.tx(async (tx) => {
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
      await emit(tx, 'waitlist.joined', {
        entryId: w.id,
        ticketTypeId: input.ticketTypeId,
        quantity: input.quantity,
      });
      // Seats may have freed between the check and now.
      await this.offerFreedSeats(tx, input.ticketTypeId);
      return w.id;
    });
    return this.waitlistEntry(user, id);
  }

  async leaveWaitlist(user: User, entryId: string): Promise<WaitlistView> {
    const entry = await this.waitlistEntry(user, entryId);
    if (entry.status === 'offered' && entry.hold) {
      await this.releaseHold(user, entry.hold.id);
    } else if (entry.status === 'waiting') {
      await this.ctx.database.db
        .update(waitlistEntries)
        .set({ status: 'left' })
        .where(and(eq(waitlistEntries.id, entryId), eq(waitlistEntries.status, 'waiting')));
    }
    return this.waitlistEntry(user, entryId);
  }

  async myWaitlist(user: User): Promise<WaitlistView[]> {
    const rows = await this.ctx.database.db
      .select({ id: waitlistEntries.id })
      .from(waitlistEntries)
      .where(eq(waitlistEntries.userId, user.id))
      .orderBy(sql`${waitlistEntries.createdAt} desc`);
    return Promise.all(rows.map((r) => this.waitlistEntry(user, r.id)));
  }

  async waitlistEntry(user: User, entryId: string): Promise<WaitlistView> {
    const [row] = await this.ctx.database.db
      .select({ w: waitlistEntries, t: ticketTypes, s: showtimes, e: events, h: holds })
      .from(waitlistEntries)
      .innerJoin(ticketTypes, eq(ticketTypes.id, waitlistEntries.ticketTypeId))
      .innerJoin(showtimes, eq(showtimes.id, ticketTypes.showtimeId))
      .innerJoin(events, eq(events.id, showtimes.eventId))
      .leftJoin(holds, eq(holds.id, waitlistEntries.holdId))
      .where(eq(waitlistEntries.id, entryId));
    if (!row || row.w.userId !== user.id) throw notFound('waiting list entry');
    let position: number | null = null;
    if (row.w.status === 'waiting') {
      const [{ n }] = await this.ctx.database.db
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

  /**
   * Hands freed seats to the waiting list, in the transaction that freed them: entries are served in
   * the order they joined, each getting a real hold for waitlistOfferMinutes; an entry that wants
   * more seats than are free keeps its place while smaller ones behind it are served.
   */
  async offerFreedSeats(tx: Tx, ticketTypeId: string) {
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
    const minutes = this.ctx.config.waitlistOfferMinutes;
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
      await emit(tx, 'hold.created', { holdId: h.id, expiresAt: iso(expiresAt) });
      await emit(tx, 'waitlist.offered', {
        entryId: w.id,
        holdId: h.id,
        ticketTypeId,
        quantity: w.quantity,
        expiresAt: iso(expiresAt),
      });
      left -= w.quantity;
    }
  }

  /** For the offer mail. */
  async waitlistOffer(entryId: string) {
    const [row] = await this.ctx.database.db
      .select({ w: waitlistEntries, t: ticketTypes, s: showtimes, e: events, h: holds })
      .from(waitlistEntries)
      .innerJoin(ticketTypes, eq(ticketTypes.id, waitlistEntries.ticketTypeId))
      .innerJoin(showtimes, eq(showtimes.id, ticketTypes.showtimeId))
      .innerJoin(events, eq(events.id, showtimes.eventId))
      .leftJoin(holds, eq(holds.id, waitlistEntries.holdId))
      .where(eq(waitlistEntries.id, entryId));
    return row;
  }

  // ---------------------------------------------------------------- organiser's view

  /** Tickets sold per day (in the event's time zone) per ticket type, net of cancellations, plus totals. */
  async sales(actor: User, eventId: string) {
    const e = await this.ownedEvent(actor, eventId);
    const res = await selectRows(
      this.ctx.database.db,
      sql`
      select to_char(h.created_at at time zone ${e.timezone}, 'YYYY-MM-DD') as day,
             t.id as ticket_type_id, t.name as ticket_type_name, s.starts_at,
             sum(h.quantity) filter (where not h.deleted)::int as tickets,
             sum(h.total_price) filter (where not h.deleted)::int as revenue,
             sum(h.quantity) filter (where h.deleted)::int as cancelled
        from ticket_reservation_history h
        join ticket_types t on t.id = h.ticket_type_id
        join ticket_showtimes s on s.id = t.showtime_id
       where s.event_id = ${eventId}
       group by 1, 2, 3, 4
       order by 1, s.starts_at, t.name`,
    );
    const days = res.map((r) => ({
      day: String(r.day),
      ticketTypeId: String(r.ticket_type_id),
      ticketTypeName: String(r.ticket_type_name),
      startsAt: iso(r.starts_at as Date),
      tickets: Number(r.tickets ?? 0),
      revenue: Number(r.revenue ?? 0),
      cancelled: Number(r.cancelled ?? 0),
    }));
    const tot = await selectRows(
      this.ctx.database.db,
      sql`
      select t.id, t.name, s.starts_at, t.price, t.quota, t.sold, t.held,
             (select coalesce(sum(r.quantity), 0)::int from ticket_reservations r
               where r.ticket_type_id = t.id and r.checked_in_at is not null) as checked_in,
             (select coalesce(sum(r.total_price), 0)::int from ticket_reservations r where r.ticket_type_id = t.id) as revenue,
             (select coalesce(sum(w.quantity), 0)::int from ticket_waitlist_entries w
               where w.ticket_type_id = t.id and w.status = 'waiting') as waiting
        from ticket_types t join ticket_showtimes s on s.id = t.showtime_id
       where s.event_id = ${eventId}
       order by s.starts_at, t.position`,
    );
    const ticketTypesTotals = tot.map((r) => ({
      ticketTypeId: String(r.id),
      name: String(r.name),
      startsAt: iso(r.starts_at as Date),
      price: Number(r.price),
      quota: Number(r.quota),
      sold: Number(r.sold),
      held: Number(r.held),
      checkedIn: Number(r.checked_in),
      revenue: Number(r.revenue),
      waiting: Number(r.waiting),
    }));
    return { eventId, timezone: e.timezone, days, ticketTypes: ticketTypesTotals };
  }

  /** Every reservation of the event (cancelled ones flagged), for the organiser's list and CSV. */
  async eventReservations(actor: User, eventId: string): Promise<ReservationView[]> {
    await this.ownedEvent(actor, eventId);
    const res = await this.historyQuery(this.ctx.database.db, sql`e.id = ${eventId}`);
    return res.map((r) => this.toView(r));
  }
}

/** The event row's own columns from the input (showtimes go to their tables). */
function eventDetails(input: EventInput) {
  return {
    code: input.code,
    title: input.title,
    posterUrl: input.posterUrl ?? null,
    venue: input.venue ?? null,
    description: input.description ?? null,
    timezone: input.timezone ?? 'Asia/Seoul',
  };
}

function validateEventInput(input: EventInput) {
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
    }
  }
  if (input.timezone && !isValidTimeZone(input.timezone))
    throw invalidField('body.timezone', 'unknown time zone');
}
