/**
 * What the operators answered lately, per route and date: every shared poll and every direct
 * one-seat search leaves its trains here. `조회` in KakaoTalk answers from them while they are young
 * (saying how old), so it needs no request of its own inside Kakao's 5 s; a watch on a named train
 * finds the train's number and departure here (a timetable does not change within minutes).
 * Stored in the database, so a poll run by a worker process serves the skill in the server process.
 */
import { eq, sql } from 'drizzle-orm';
import type { RailDeps } from './egress.ts';
import type { ProviderName, Train } from './providers/index.ts';
import { railSeenSearches } from './schema.ts';

/** A timetable (numbers and departures) read this recently is trusted for validation. */
export const TIMETABLE_MAX_AGE_MS = 6 * 60 * 60_000;

/**
 * Two rows per route and date: the latest search (`조회` answers from it), and the latest search of
 * the whole day (`tt|…`), which a narrower later search does not replace: it alone can say that a
 * train does not run.
 */
export const seenKey = (provider: ProviderName, from: string, to: string, date: string, whole = false) =>
  `${whole ? 'tt|' : ''}${provider}|${from}|${to}|${date}`;

export type Seen = {
  trains: Train[];
  /** HHmmss: the search asked for trains from this time. */
  time: string;
  /** HHmmss: it stopped paging past this time; undefined: it read to the end of the day. */
  until?: string;
  seenAt: Date;
};

/**
 * Keeps what one search for one seat saw (party-size and train-type searches answer another
 * question and are not kept). The operator's raw rows stay out: nothing reserves from here.
 */
export async function remember(
  d: RailDeps,
  q: { provider: ProviderName; from: string; to: string; date: string; time?: string; until?: string },
  trains: Train[],
) {
  const rows = trains.map(({ raw: _raw, ...t }) => ({ ...t, raw: {} }));
  const time = q.time ?? '000000';
  const until = q.until ?? null;
  const whole = time === '000000' && until === null;
  const seenAt = new Date();
  const values = [false, ...(whole ? [true] : [])].map((w) => ({
    key: seenKey(q.provider, q.from, q.to, q.date, w),
    time,
    until,
    trains: rows,
    seenAt,
  }));
  try {
    await d.ctx.database.db
      .insert(railSeenSearches)
      .values(values)
      .onConflictDoUpdate({
        target: railSeenSearches.key,
        set: { time, until, trains: rows, seenAt },
        // A late writer never replaces a newer answer.
        where: sql`${railSeenSearches.seenAt} <= ${seenAt}`,
      });
  } catch (err) {
    // A cache: a failed write costs a later request, never the search that was answered.
    d.ctx.log.warn({ err: (err as Error).message }, 'rail: could not keep the search answer');
  }
}

/** The latest search of this route and date, or with `whole` the latest that read the whole day. */
export async function recall(
  d: RailDeps,
  provider: ProviderName,
  from: string,
  to: string,
  date: string,
  whole = false,
): Promise<Seen | undefined> {
  const [row] = await d.ctx.database.db
    .select()
    .from(railSeenSearches)
    .where(eq(railSeenSearches.key, seenKey(provider, from, to, date, whole)));
  if (!row) return undefined;
  return {
    trains: row.trains as Train[],
    time: row.time,
    until: row.until ?? undefined,
    seenAt: row.seenAt,
  };
}

/**
 * Up to `max` trains from `time` on, when the kept answer covers them: it started at or before
 * `time`, and either read to the end of the day or holds `max` trains after `time` (pages come in
 * departure order, so nothing is missing before its last train).
 */
export function covering(seen: Seen, time: string, max: number): Train[] | undefined {
  if (seen.time > time) return undefined;
  const after = seen.trains.filter((t) => t.departure >= time);
  if (after.length >= max || seen.until === undefined) return after.slice(0, max);
  return undefined;
}

/**
 * The train `trainNo` from the kept answers young enough for a timetable: the train, `'absent'`
 * when the whole day was read without it, or undefined when they cannot tell.
 */
export function timetableTrain(
  whole: Seen | undefined,
  latest: Seen | undefined,
  trainNo: string,
  now = Date.now(),
) {
  const no = trainNo.replace(/^0+/, '');
  const young = (s: Seen | undefined) => s && now - s.seenAt.getTime() <= TIMETABLE_MAX_AGE_MS;
  const hit = [latest, whole]
    .filter(young)
    .flatMap((s) => s?.trains.filter((t) => t.trainNo === no) ?? [])[0];
  if (hit) return hit;
  return young(whole) ? ('absent' as const) : undefined;
}

/** What the kept answers say about train `trainNo` (see timetableTrain). */
export async function knownTrain(
  d: RailDeps,
  q: { provider: ProviderName; from: string; to: string; date: string; trainNo: string },
) {
  const [whole, latest] = await Promise.all([
    recall(d, q.provider, q.from, q.to, q.date, true),
    recall(d, q.provider, q.from, q.to, q.date),
  ]);
  return timetableTrain(whole, latest, q.trainNo);
}
