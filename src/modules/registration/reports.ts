import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import { selectRows } from '../../platform/db.ts';
import { invalidField } from '../../platform/errors.ts';
import { owned, type RegistrationDeps, secretsOf } from './deps.ts';
import {
  registrationActions,
  registrationAttendees,
  registrationAudit,
  registrationSyncRuns,
} from './schema.ts';
import {
  attendeeView,
  auditView,
  type EventRow,
  eventView,
  type RegistrationActionCount,
  type RegistrationEventDetail,
  type RegistrationSales,
  type RegistrationTicketStatus,
  syncRunView,
  timeZoneOf,
} from './views.ts';

/**
 * Reading: the event page (settings, sync runs, action counts, ticket status), the attendee list,
 * the audit log, and the sales reports of the web page and the Discord bot's /event.
 */

/** Longest /event report and sales report range, in days. */
export const MAX_REPORT_DAYS = 92;

/** The event page's data in one answer. */
export async function eventDetail(deps: RegistrationDeps, ev: EventRow): Promise<RegistrationEventDetail> {
  return {
    ...eventView(ev, secretsOf(deps, ev)),
    runs: await syncRuns(deps, ev.id, 10),
    actions: await actionCounts(deps, ev.id),
    status: await status(deps, ev),
  };
}

/** Every view and export of raw attendee data is written down: who, what, how many rows. */
export async function audit(
  deps: RegistrationDeps,
  actor: User,
  eventId: string,
  action: string,
  rows: number,
  detail?: string,
) {
  await deps.ctx.database.db
    .insert(registrationAudit)
    .values({ eventId, userId: actor.id, action, rows, detail: detail ?? null });
}

/** Raw attendee data with action states: for the event's organisers and admins, audited. */
export async function attendees(
  deps: RegistrationDeps,
  actor: User,
  eventId: string,
  opts: { limit?: number; offset?: number } = {},
) {
  await owned(deps, actor, eventId);
  const rows = await deps.ctx.database.db
    .select()
    .from(registrationAttendees)
    .where(eq(registrationAttendees.eventId, eventId))
    .orderBy(desc(registrationAttendees.paidAt), asc(registrationAttendees.externalId))
    .limit(opts.limit ?? 200)
    .offset(opts.offset ?? 0);
  const actions = rows.length
    ? await deps.ctx.database.db
        .select()
        .from(registrationActions)
        .where(
          and(
            eq(registrationActions.eventId, eventId),
            inArray(
              registrationActions.externalId,
              rows.map((r) => r.externalId),
            ),
          ),
        )
    : [];
  const [{ n }] = await selectRows<{ n: number }>(
    deps.ctx.database.db,
    sql`select count(*)::int as n from registration_attendees where event_id = ${eventId}`,
  );
  await audit(deps, actor, eventId, 'view', rows.length, `attendees offset ${opts.offset ?? 0}`);
  return {
    total: Number(n),
    attendees: rows.map((r) => attendeeView(r, actions)),
  };
}

export async function syncRuns(deps: RegistrationDeps, eventId: string, limit = 20) {
  const rows = await deps.ctx.database.db
    .select()
    .from(registrationSyncRuns)
    .where(eq(registrationSyncRuns.eventId, eventId))
    .orderBy(desc(registrationSyncRuns.id))
    .limit(limit);
  return rows.map(syncRunView);
}

export async function actionCounts(deps: RegistrationDeps, eventId: string) {
  return selectRows<RegistrationActionCount>(
    deps.ctx.database.db,
    sql`select action, status, count(*)::int as n from registration_actions where event_id = ${eventId} group by 1, 2 order by 1, 2`,
  );
}

export async function auditLog(deps: RegistrationDeps, eventId: string, limit = 100) {
  const rows = await deps.ctx.database.db
    .select()
    .from(registrationAudit)
    .where(eq(registrationAudit.eventId, eventId))
    .orderBy(desc(registrationAudit.id))
    .limit(limit);
  return rows.map(auditView);
}

/** Tickets sold per local day and ticket type (active tickets, by paid time). */
export async function sales(
  deps: RegistrationDeps,
  ev: EventRow,
  range?: { from: string; to: string },
): Promise<RegistrationSales> {
  const tz = timeZoneOf(ev);
  const rows = await selectRows<{ day: string; ticket: string; n: number }>(
    deps.ctx.database.db,
    sql`select to_char(paid_at at time zone ${tz}, 'YYYY-MM-DD') as day, ticket_name as ticket, sum(quantity)::int as n
          from registration_attendees
         where event_id = ${ev.id} and active and paid_at is not null
         group by 1, 2 order by 1, 2`,
  );
  const days = range ? daysBetween(range.from, range.to) : [...new Set(rows.map((r) => r.day))].sort();
  const tickets = [...new Set(rows.map((r) => r.ticket))].sort();
  const cell = new Map(rows.map((r) => [`${r.ticket}\u0000${r.day}`, Number(r.n)]));
  const table = tickets.map((t) => {
    const perDay = days.map((d) => cell.get(`${t}\u0000${d}`) ?? 0);
    return { ticketName: t, perDay, total: perDay.reduce((x, y) => x + y, 0) };
  });
  return { timezone: tz, days, rows: table };
}

/** The CSV of /event report: one row per ticket type, one column per day, a total column. */
export async function reportCsv(deps: RegistrationDeps, ev: EventRow, from: string, to: string) {
  checkRange(from, to);
  const s = await sales(deps, ev, { from, to });
  const head = ['ticket_type', ...s.days, 'total'];
  const body = s.rows.map((r) => [r.ticketName, ...r.perDay, r.total]);
  const totals = s.days.map((_d, i) => s.rows.reduce((x, r) => x + r.perDay[i], 0));
  body.push(['TOTAL', ...totals, totals.reduce((x, y) => x + y, 0)]);
  return `${[head, ...body].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** Each ticket type: sold, and the total (a known quota) or "unlimited". */
export async function status(deps: RegistrationDeps, ev: EventRow): Promise<RegistrationTicketStatus[]> {
  const rows = await selectRows<{ ticket: string; n: number }>(
    deps.ctx.database.db,
    sql`select ticket_name as ticket, sum(quantity)::int as n from registration_attendees
         where event_id = ${ev.id} and active group by 1 order by 1`,
  );
  const quotas: Record<string, number> = { ...(ev.settings.quotas ?? {}) };
  if (ev.source === 'tickets' && ev.settings.ticketsEventId) {
    try {
      const te = await deps.tickets.getEvent(ev.settings.ticketsEventId);
      for (const st of te.showtimes)
        for (const t of st.ticketTypes) quotas[t.name] = (quotas[t.name] ?? 0) + t.quota;
    } catch {}
  }
  const names = [...new Set([...rows.map((r) => r.ticket), ...Object.keys(quotas)])].sort();
  const sold = new Map(rows.map((r) => [r.ticket, Number(r.n)]));
  return names.map((name) => ({
    ticketName: name,
    sold: sold.get(name) ?? 0,
    total: quotas[name] === undefined ? ('unlimited' as const) : quotas[name],
  }));
}

/**
 * Whether tickets are still sold: a yeyak event has ended when none of its showtimes is still to
 * come; a KKTIX one when its start time (set by the organiser) has passed.
 */
export async function saleState(
  deps: RegistrationDeps,
  ev: EventRow,
  now = new Date(),
): Promise<'on_sale' | 'ended'> {
  if (ev.source === 'tickets' && ev.settings.ticketsEventId) {
    try {
      const te = await deps.tickets.getEvent(ev.settings.ticketsEventId);
      return te.showtimes.some((s) => new Date(s.startsAt) > now) ? 'on_sale' : 'ended';
    } catch {
      return 'ended';
    }
  }
  return ev.startsAt && ev.startsAt <= now ? 'ended' : 'on_sale';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `where` prefixes the field names (`querystring` for a route) so the answer names the right place. */
export function checkRange(from: string, to: string, where = '') {
  const at = (k: string) => (where ? `${where}.${k}` : k);
  for (const [k, v] of [
    [at('from'), from],
    [at('to'), to],
  ] as const)
    if (
      !DATE.test(v) ||
      Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ||
      new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v
    )
      throw invalidField(k, 'must be a date YYYY-MM-DD');
  if (from > to) throw invalidField(at('to'), 'must not be before from');
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (days > MAX_REPORT_DAYS)
    throw invalidField(at('to'), `the range is ${days} days; at most ${MAX_REPORT_DAYS}`);
}

function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
