// The organiser's charts as series the web draws as they come: one x axis with no holes in it, a
// count per point for each ticket type, and the running total. Pure, so it is tested on its own.

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Beyond this many days (or hours) the axis keeps only the points that have counts. */
const MAX_FILLED_DAYS = 400;
const MAX_FILLED_HOURS = 24 * 7;

export type DayRow = { day: string; ticketTypeId: string; tickets: number };
export type SeriesType = { ticketTypeId: string; name: string; startsAt: string };

/** YYYY-MM-DD (a wall-clock date) to a UTC midnight, only to step through the calendar. */
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
/** YYYY-MM-DDTHH (a wall-clock hour) likewise. */
const hourMs = (hour: string) => Date.parse(`${hour}:00:00Z`);

function axis(keys: string[], toMs: (k: string) => number, step: number, max: number, cut: number): string[] {
  const sorted = [...new Set(keys)].sort();
  if (sorted.length < 2) return sorted;
  const from = toMs(sorted[0]);
  const to = toMs(sorted[sorted.length - 1]);
  if (Number.isNaN(from) || Number.isNaN(to) || (to - from) / step > max) return sorted;
  const out: string[] = [];
  // Wall-clock labels have no DST, so stepping a fixed length in UTC never skips or repeats one.
  for (let t = from; t <= to; t += step) out.push(new Date(t).toISOString().slice(0, cut));
  return out;
}

function running(values: number[]): number[] {
  let sum = 0;
  return values.map((v) => {
    sum += v;
    return sum;
  });
}

/** Tickets sold per day per ticket type (net of cancellations), on a gapless day axis, with the running total. */
export function dailySales(rows: DayRow[], types: SeriesType[]) {
  const days = axis(
    rows.map((r) => r.day),
    dayMs,
    DAY_MS,
    MAX_FILLED_DAYS,
    10,
  );
  const at = new Map(days.map((d, i) => [d, i]));
  const ticketTypes = types.map((t) => ({
    ticketTypeId: t.ticketTypeId,
    name: t.name,
    startsAt: t.startsAt,
    perDay: days.map(() => 0),
  }));
  const byType = new Map(ticketTypes.map((t) => [t.ticketTypeId, t]));
  for (const r of rows) {
    const i = at.get(r.day);
    const t = byType.get(r.ticketTypeId);
    if (i !== undefined && t) t.perDay[i] += r.tickets;
  }
  const perDay = days.map((_, i) => ticketTypes.reduce((a, t) => a + t.perDay[i], 0));
  return { days, ticketTypes, cumulative: running(perDay) };
}

/** Check-ins per hour (YYYY-MM-DDTHH on the event's clock), on a gapless hour axis, with the running total. */
export function hourlyCheckins(rows: { hour: string; tickets: number }[]) {
  const hours = axis(
    rows.map((r) => r.hour),
    hourMs,
    HOUR_MS,
    MAX_FILLED_HOURS,
    13,
  );
  const at = new Map(hours.map((h, i) => [h, i]));
  const perHour = hours.map(() => 0);
  for (const r of rows) {
    const i = at.get(r.hour);
    if (i !== undefined) perHour[i] += r.tickets;
  }
  return { hours, perHour, cumulative: running(perHour) };
}
