import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { type Executor, selectRows } from '../../platform/db.ts';
import { notFound } from '../../platform/errors.ts';
import type { PaymentProvider } from './payments.ts';
import type { holds } from './schema.ts';

/** What every tickets use case is given. */
export type TicketsDeps = { ctx: Context; payments: PaymentProvider };

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

export type TicketReservationView = {
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

/** A hold as "내 티켓" lists it: with the event, showtime and ticket type it is for. */
export type MyHoldView = HoldView & {
  eventCode: string;
  eventTitle: string;
  posterUrl: string | null;
  venue: string | null;
  timezone: string;
  startsAt: string;
  ticketTypeName: string;
  unitPrice: number;
  /** Handed over from the waiting list (its seats were freed for this buyer). */
  fromWaitlist: boolean;
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

export const iso = (d: Date | string) => new Date(d).toISOString();

export function holdView(h: typeof holds.$inferSelect): HoldView {
  return {
    id: h.id,
    ticketTypeId: h.ticketTypeId,
    quantity: h.quantity,
    status: h.status,
    expiresAt: iso(h.expiresAt),
    reservationId: h.reservationId,
  };
}

// ---------------------------------------------------------------- reading reservations

/**
 * What a reservation view is read from, besides the reservation's own columns: its ticket type,
 * showtime and event. The one-step reserve reads the row it just wrote through the same joins.
 */
export const reservationJoins = sql`
        join ticket_types t on t.id = r.ticket_type_id
        join ticket_showtimes s on s.id = t.showtime_id
        join ticket_events e on e.id = s.event_id`;

/** The columns reservationView reads, besides the reservation's own (aliased `r`). */
export const reservationContext = sql`t.name as ticket_type_name, s.id as showtime_id, s.starts_at,
             e.id as event_id, e.code as event_code, e.title as event_title, e.poster_url, e.venue, e.timezone`;

/** Live and cancelled reservations alike (the history view), newest first. */
function historyQuery(exec: Executor, where: SQL) {
  return selectRows(exec, historySql(where));
}

function historySql(where: SQL) {
  return sql`
      select r.id, r.ticket_type_id, r.email, r.quantity, r.unit_price, r.total_price, r.source, r.created_at,
             r.checked_in_at, r.cancelled_at, r.deleted, r.user_id,
             ${reservationContext}
        from ticket_reservation_history r
        ${reservationJoins}
       where ${where}
       order by r.created_at desc, r.id desc`;
}

/**
 * A user's history is the busiest read (the original API's list): its text is fixed, so PostgreSQL
 * plans it once per connection (a named statement) instead of on every call.
 */
const historyByUser = new PgDialect().sqlToQuery(historySql(sql.raw('r.user_id = $1'))).sql;

export function reservationView(r: Record<string, unknown>): TicketReservationView {
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
    source: r.source as TicketReservationView['source'],
    createdAt: iso(r.created_at as Date),
    checkedInAt: r.checked_in_at ? iso(r.checked_in_at as Date) : null,
    cancelledAt: r.cancelled_at ? iso(r.cancelled_at as Date) : null,
    deleted: r.deleted === true || r.deleted === 't',
  };
}

export async function myReservations({ ctx }: TicketsDeps, user: User): Promise<TicketReservationView[]> {
  const res = await ctx.database.raw(historyByUser, [user.id], 'tickets_history_by_user');
  return res.rows.map(reservationView);
}

/** One reservation of the user's (cancelled ones too: they stay in the history). */
export async function reservation(
  { ctx }: TicketsDeps,
  user: User,
  id: number,
): Promise<TicketReservationView> {
  const res = await historyQuery(ctx.database.db, sql`r.id = ${id} and r.user_id = ${user.id}`);
  const row = res[0];
  if (!row) throw notFound('reservation');
  return reservationView(row);
}

/** For the mail consumer: a reservation by id, whoever owns it. */
export async function reservationById(
  { ctx }: TicketsDeps,
  id: number,
): Promise<TicketReservationView | undefined> {
  const res = await historyQuery(ctx.database.db, sql`r.id = ${id}`);
  const row = res[0];
  return row ? reservationView(row) : undefined;
}

/** Any reservation by id with its buyer, for mails in the buyer's language (never an API answer). */
export async function reservationForMail(
  { ctx }: TicketsDeps,
  id: number,
): Promise<(TicketReservationView & { userId: string }) | undefined> {
  const res = await historyQuery(ctx.database.db, sql`r.id = ${id}`);
  const row = res[0];
  return row ? { ...reservationView(row), userId: String(row.user_id) } : undefined;
}

/** Every reservation of the event (cancelled ones flagged), whoever asks: sales.ts checks who may. */
export async function reservationsOfEvent({ ctx }: TicketsDeps, eventId: string) {
  const res = await historyQuery(ctx.database.db, sql`e.id = ${eventId}`);
  return res.map(reservationView);
}
