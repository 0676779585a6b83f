import { asc, eq } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import { csvTable } from '../../platform/csv.ts';
import { zonedIso, zonedParts } from '../../platform/time.ts';
import { ownedEvent } from './catalogue.ts';
import { sales } from './sales.ts';
import { showtimes } from './schema.ts';
import { reservationsOfEvent, type TicketsDeps } from './views.ts';

// The organiser's downloads: sales per day and the reservation list as CSV. Times are written on the
// event's own clock with the offset (2026-12-24T19:30:00+09:00), as the organiser reads them on the
// page; the file name says which event and which dates it covers, and when it was taken.

export type CsvDownload = { filename: string; csv: string };

const compact = (instant: Date, tz: string) => zonedParts(instant, tz).date.replaceAll('-', '');

/** PF132236-sales-20261224-20261226-asof-20261203.csv: the event code, its showtimes' first and last date, today. */
async function fileName(d: TicketsDeps, e: { id: string; code: string; timezone: string }, what: string) {
  const rows = await d.ctx.database.db
    .select({ startsAt: showtimes.startsAt })
    .from(showtimes)
    .where(eq(showtimes.eventId, e.id))
    .orderBy(asc(showtimes.startsAt));
  const parts = [e.code, what];
  if (rows.length > 0) {
    const first = compact(rows[0].startsAt, e.timezone);
    const last = compact(rows[rows.length - 1].startsAt, e.timezone);
    parts.push(first === last ? first : `${first}-${last}`);
  }
  parts.push(`asof-${compact(new Date(), e.timezone)}`);
  // Codes are letters, digits, - and _ (checked when the event is saved), so the name needs no quoting.
  return `${parts.join('-')}.csv`;
}

export async function salesCsv(d: TicketsDeps, actor: User, eventId: string): Promise<CsvDownload> {
  const e = await ownedEvent(d, actor, eventId);
  const s = await sales(d, actor, eventId);
  const at = (iso: string) => zonedIso(new Date(iso), e.timezone);
  return {
    filename: await fileName(d, e, 'sales'),
    csv: csvTable(
      ['day', 'showtime', 'ticket_type', 'tickets', 'revenue_krw', 'cancelled'],
      s.days.map((x) => [x.day, at(x.startsAt), x.ticketTypeName, x.tickets, x.revenue, x.cancelled]),
    ),
  };
}

export async function reservationsCsv(d: TicketsDeps, actor: User, eventId: string): Promise<CsvDownload> {
  const e = await ownedEvent(d, actor, eventId);
  const list = await reservationsOfEvent(d, eventId);
  const at = (iso: string | null) => (iso ? zonedIso(new Date(iso), e.timezone) : null);
  return {
    filename: await fileName(d, e, 'reservations'),
    csv: csvTable(
      [
        'reservation',
        'email',
        'showtime',
        'ticket_type',
        'quantity',
        'total_krw',
        'source',
        'created_at',
        'checked_in_at',
        'cancelled_at',
      ],
      list.map((r) => [
        r.id,
        r.email,
        at(r.startsAt),
        r.ticketTypeName,
        r.quantity,
        r.totalPrice,
        r.source,
        at(r.createdAt),
        at(r.checkedInAt),
        at(r.cancelledAt),
      ]),
    ),
  };
}
