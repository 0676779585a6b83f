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

/** Wall-clock parts of an instant in a time zone. */
export function zonedParts(instant: Date, timeZone: string) {
  const f = formatFor(timeZone);
  const p = Object.fromEntries(f.formatToParts(instant).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`, second: p.second };
}

function offsetMs(instant: Date, timeZone: string): number {
  const { date, time, second } = zonedParts(instant, timeZone);
  const asUtc = Date.parse(`${date}T${time}:${second}Z`);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
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
