// Building an Intl.DateTimeFormat costs ≈ 20× formatting with one, and list pages and mails format
// every row: keep one per time zone (there are only a few hundred zone names).
const formats = new Map<string, Intl.DateTimeFormat>();
function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/**
 * A zone's offset from UTC, per quarter hour: zones change offset only on a quarter hour (UTC), so one
 * formatToParts per zone and quarter hour serves every instant in it. formatToParts costs ~10 µs,
 * and a list of 20 reservations formats 40 instants: it was the top frame of that read's profile.
 */
const QUARTER_HOUR = 900_000;
const offsets = new Map<string, number>();
function offsetAt(ms: number, timeZone: string): number {
  const bucket = Math.floor(ms / QUARTER_HOUR) * QUARTER_HOUR;
  const key = `${timeZone}|${bucket}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const p = Object.fromEntries(
      formatFor(timeZone)
        .formatToParts(new Date(bucket))
        .map((x) => [x.type, x.value]),
    );
    offset = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - bucket;
    // A cache, not a record: bounded, refilled on demand.
    if (offsets.size >= 20_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Wall-clock parts of an instant in a time zone. */
export function zonedParts(instant: Date, timeZone: string) {
  const ms = instant.getTime();
  const offset = offsetAt(ms, timeZone);
  const year = new Date(ms + offset).getUTCFullYear();
  // Offsets in seconds (local mean time before ~1900) or years outside 4 digits: ask Intl itself.
  if (offset % 60_000 !== 0 || year < 1000 || year > 9999 || Number.isNaN(ms)) {
    const p = Object.fromEntries(
      formatFor(timeZone)
        .formatToParts(instant)
        .map((x) => [x.type, x.value]),
    );
    return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`, second: p.second };
  }
  const d = new Date(ms + offset);
  return {
    date: `${year}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`,
    time: `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`,
    second: two(d.getUTCSeconds()),
  };
}

function offsetMs(instant: Date, timeZone: string): number {
  const { date, time, second } = zonedParts(instant, timeZone);
  const asUtc = Date.parse(`${date}T${time}:${second}Z`);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** An instant as ISO 8601 on the wall clock of `timeZone`, with its offset: 2026-12-24T19:30:00+09:00. */
export function zonedIso(instant: Date, timeZone: string): string {
  const { date, time, second } = zonedParts(instant, timeZone);
  const minutes = Math.round(offsetMs(instant, timeZone) / 60_000);
  const abs = Math.abs(minutes);
  return `${date}T${time}:${second}${minutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** The instant at which the wall clock in `timeZone` shows `date` (YYYY-MM-DD) `time` (HH:mm). */
export function zonedToInstant(date: string, time: string, timeZone: string): Date {
  const guess = Date.parse(`${date}T${time}:00Z`);
  let instant = guess - offsetMs(new Date(guess), timeZone);
  // A second pass settles the offset across a DST change.
  instant = guess - offsetMs(new Date(instant), timeZone);
  return new Date(instant);
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
