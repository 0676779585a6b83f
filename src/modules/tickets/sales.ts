import { sql } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import { selectRows } from '../../platform/db.ts';
import { ownedEvent } from './catalogue.ts';
import { dailySales, hourlyCheckins } from './sales-series.ts';
import { iso, reservationsOfEvent, type TicketReservationView, type TicketsDeps } from './views.ts';

// The organiser's view of an event: what sold, and to whom.

/**
 * Tickets sold per day (in the event's time zone) per ticket type, net of cancellations, plus totals,
 * and the same as chart series: sales per day per ticket type with the running total, check-ins per hour.
 */
export async function sales(d: TicketsDeps, actor: User, eventId: string) {
  const e = await ownedEvent(d, actor, eventId);
  const res = await selectRows(
    d.ctx.database.db,
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
    d.ctx.database.db,
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
  const checked = await selectRows(
    d.ctx.database.db,
    sql`
      select to_char(r.checked_in_at at time zone ${e.timezone}, 'YYYY-MM-DD"T"HH24') as hour,
             sum(r.quantity)::int as tickets
        from ticket_reservations r
        join ticket_types t on t.id = r.ticket_type_id
        join ticket_showtimes s on s.id = t.showtime_id
       where s.event_id = ${eventId} and r.checked_in_at is not null
       group by 1
       order by 1`,
  );
  return {
    eventId,
    code: e.code,
    timezone: e.timezone,
    days,
    ticketTypes: ticketTypesTotals,
    series: {
      sales: dailySales(days, ticketTypesTotals),
      checkins: hourlyCheckins(
        checked.map((r) => ({ hour: String(r.hour), tickets: Number(r.tickets ?? 0) })),
      ),
    },
  };
}

/** Every reservation of the event (cancelled ones flagged), for the organiser's list and CSV. */
export async function eventReservations(
  d: TicketsDeps,
  actor: User,
  eventId: string,
): Promise<TicketReservationView[]> {
  await ownedEvent(d, actor, eventId);
  return reservationsOfEvent(d, eventId);
}
