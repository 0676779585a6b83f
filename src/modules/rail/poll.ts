/**
 * The engine's poll: one search per route and date for all the watches on it, then each watch, oldest
 * first, tries the trains with seats that fit its whole party. The poll job runs it, one search key
 * at a time, and queues the next one.
 */
import { and, asc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { leaseHeld } from '../../platform/claim.ts';
import type { Context } from '../../platform/context.ts';
import { msg } from '../../platform/messages/index.ts';
import type { JobSpec } from '../../platform/module.ts';
import { type Counter, providerOf } from './budget.ts';
import type { RailDeps } from './egress.ts';
import { hold, reconcile, STALE_CLAIM_SECONDS } from './hold.ts';
import { OPENING_RUSH_MS, started } from './opening.ts';
import {
  classesToTry,
  isRailError,
  type Passengers,
  type ProviderName,
  type SeatPolicy,
  seatsLeftFor,
  type Train,
  totalPassengers,
} from './providers/index.ts';
import { finishWatch, noteRefusal } from './refusals.ts';
import type { PollRuns } from './runs.ts';
import { railWatches, type SeatShortage } from './schema.ts';
import { remember } from './seen.ts';
import type { Rail } from './service.ts';
import { kstDate, kstEpoch, kstTime } from './time.ts';
import { shortText, trainsOf, type WatchRow, watchEnd } from './views.ts';

const MAX_BACKOFF_MS = 5 * 60_000;
/** How often a search whose watches all wait for their start is looked at (no operator request). */
const WAITING_CHECK_MS = 30_000;

/**
 * One job queue per operator: the job runner takes a batch and waits for all of it, so one queue
 * would keep a quick SRT poll waiting for the slow Korail polls (and their holds) of its batch.
 */
export const POLL_QUEUES: Record<ProviderName, string> = { srt: 'rail.poll', korail: 'rail.poll.korail' };

/** Picks the train to try among the candidates: the watch's listed order, else its selection. */
function pick<T extends { departure: string; trainNo: string }>(
  list: T[],
  selection: WatchRow['selection'],
  listed?: string[] | null,
): T[] {
  if (listed && listed.length > 1)
    return [...list].sort((a, b) => listed.indexOf(a.trainNo) - listed.indexOf(b.trainNo));
  const sorted = [...list].sort((a, b) => a.departure.localeCompare(b.departure));
  if (selection === 'latest') return sorted.reverse();
  if (selection === 'random') {
    for (let i = sorted.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [sorted[i], sorted[j]] = [sorted[j], sorted[i]];
    }
  }
  return sorted;
}

/** What the shared search showed for a train (a change means its seats changed). */
const seenOf = (t: Train) =>
  `${t.general}:${t.seatsLeft?.general ?? ''}/${t.special}:${t.seatsLeft?.special ?? ''}`;
/** How long a train found too short for the party waits before the next check. */
const backoffMs = (checks: number) => Math.min(16, 2 ** Math.max(0, checks - 1)) * 60_000;

function refusedShortage(t: Train, prior: SeatShortage[], now: number): SeatShortage {
  const before = prior.find((x) => x.trainNo === t.trainNo && x.seen === seenOf(t));
  return {
    trainNo: t.trainNo,
    seatsLeft: null,
    seen: seenOf(t),
    checkedAt: now,
    checks: (before?.checks ?? 0) + 1,
  };
}

export type PollOutcome = {
  searched: boolean;
  watches: number;
  reserved: string[];
  /** Milliseconds from the search answer to each hold committed here (poll-to-hold latency). */
  holdMs: number[];
  /** API requests the shared search sent (search pages; each one egress slot). */
  requests: number;
  /** NetFunnel calls around them (their own line, not API slots). */
  netfunnel?: number;
  error?: string;
};

/**
 * Queues the next poll of a search; one pending poll per search key (queue policy "stately"). The
 * next poll comes one budget round after `startedAt` (when this poll began), so every live search
 * of the operator gets one poll per round.
 */
export async function schedule(
  d: RailDeps,
  key: string,
  errors: number,
  immediate = false,
  delayMs?: number,
  startedAt = Date.now(),
  deferred = false,
  when: { priority?: number; until?: number } = {},
) {
  if (d.egress.stopping) return;
  const data = deferred ? { key, errors, deferred } : { key, errors };
  // A search in its opening rush goes before the other searches waiting in the queue.
  const first = when.priority ? { priority: when.priority } : {};
  if (immediate) {
    d.egress.budget.changed(providerOf(key));
    await d.ctx.jobs.send(POLL_QUEUES[providerOf(key)], data, { singletonKey: key, ...first });
    return;
  }
  const c = d.ctx.config.rail;
  const backoff = errors > 0 ? Math.min(MAX_BACKOFF_MS, c.pollMs * 2 ** Math.min(errors, 10)) : 0;
  const round = delayMs === undefined ? await d.egress.budget.roundMs(providerOf(key)) : 0;
  let delay = delayMs ?? Math.max(0, startedAt + round - Date.now()) + Math.random() * c.jitterMs + backoff;
  // A watch of this search starts before then (its opening): poll at that instant.
  if (when.until !== undefined && when.until < Date.now() + delay)
    delay = Math.max(0, when.until - Date.now());
  await d.ctx.jobs.send(POLL_QUEUES[providerOf(key)], data, {
    singletonKey: key,
    ...first,
    startAfter: new Date(Date.now() + delay),
  });
}

/** Makes sure every active search has a poll queued (after a restart or a lost job). */
export async function sweep(d: RailDeps) {
  const keys = await d.ctx.database.db
    .selectDistinct({ key: railWatches.searchKey })
    .from(railWatches)
    .where(inArray(railWatches.status, ['waiting', 'trying']));
  for (const { key } of keys) await schedule(d, key, 0, true);
  return keys.length;
}

/** The live watches of a search key; `reserving`: another worker's reserve claim on it is fresh. */
async function activeWatches(d: RailDeps, key: string): Promise<(WatchRow & { reserving: boolean })[]> {
  return d.ctx.database.db
    .select({
      ...getTableColumns(railWatches),
      reserving: sql<boolean>`${leaseHeld(railWatches.reservingSince, STALE_CLAIM_SECONDS)}`,
    })
    .from(railWatches)
    .where(and(eq(railWatches.searchKey, key), inArray(railWatches.status, ['waiting', 'trying'])))
    .orderBy(asc(railWatches.createdAt), asc(railWatches.id));
}

/**
 * One poll of a shared search: one search request for every watch on this route and date, then
 * the watches, oldest first, try the trains with seats. Returns what happened (tests, bench).
 */
export async function poll(
  d: RailDeps,
  key: string,
  errors = 0,
  reschedule = true,
  deferred = false,
): Promise<PollOutcome> {
  const outcome: PollOutcome = { searched: false, watches: 0, reserved: [], holdMs: [], requests: 0 };
  let watches = await activeWatches(d, key);
  const now = Date.now();
  const startedAt = now;
  for (const w of watches) {
    if (watchEnd(w) <= now)
      await finishWatch(
        d,
        w,
        'failed',
        w.deadline && w.deadline.getTime() <= now
          ? msg('rail.watch_deadline_passed')
          : msg('rail.watch_no_train_left'),
      );
  }
  watches = watches.filter((w) => watchEnd(w) > now);
  // Watches waiting for their start (the operator's opening) are not polled and cost no budget; the
  // search is polled again the moment the first of them starts, ahead of the round (rush below).
  const later = watches.filter((w) => !started(w, now));
  const nextStart = later.reduce((m, w) => Math.min(m, (w.startAt as Date).getTime()), Infinity);
  watches = watches.filter((w) => started(w, now));
  const rush = watches.some((w) => w.startAt && now - w.startAt.getTime() < OPENING_RUSH_MS) ? 1 : 0;
  const when = { priority: rush, until: nextStart };
  outcome.watches = watches.length;
  if (!watches.length) {
    // Looked at again every half minute (a database read, no request): one job waits per search, so a
    // watch added meanwhile that starts at once must not wait for the opening behind it.
    if (reschedule && nextStart < Infinity)
      await schedule(d, key, 0, false, Math.max(0, Math.min(nextStart - Date.now(), WAITING_CHECK_MS)));
    return outcome;
  }
  const first = watches[0];
  // Admission: a search never queues behind a long line of others. Reserves wait in the same line,
  // so when the egress is full, polls come round less often instead, and a freed seat is still
  // reserved within a couple of slots of the search that saw it. A poll steps aside once per turn
  // only: the next time it goes whatever the line, so a search that costs many pages cannot be
  // kept out by cheaper ones for ever.
  const egressMs = 60_000 / d.ctx.config.rail.egressPerMinute;
  const backlog = deferred || rush ? 0 : await d.egress.pacing.backlogMs(d.egress.searchKey(first.provider));
  if (backlog > 2 * egressMs) {
    outcome.error = 'egress busy';
    // Back in line once the queue has drained, not a whole round later.
    if (reschedule)
      await schedule(d, key, errors, false, backlog + Math.random() * egressMs * 4, startedAt, true, when);
    return outcome;
  }
  let trains: Train[];
  let searchedAt = 0;
  const counter: Counter = { requests: 0 };
  const window = pages(watches, now);
  try {
    trains = await d.egress.budget.count(counter, () =>
      d.egress.searcher(first.provider).search({
        from: first.fromStation,
        to: first.toStation,
        date: first.date,
        ...window,
      }),
    );
    outcome.searched = true;
    searchedAt = performance.now();
    d.egress.remember(first.fromStation, first.toStation, first.date, trains);
    // Kept for `조회` and watch checks; not awaited, so no hold waits for it.
    void remember(
      d,
      { provider: first.provider, from: first.fromStation, to: first.toStation, date: first.date, ...window },
      trains,
    );
  } catch (err) {
    outcome.error = (err as Error).message;
    outcome.requests = counter.requests;
    // Shutting down: nothing was asked of the operator, and the database may be closing.
    if (d.egress.stopping) return outcome;
    if (isRailError(err, 'blocked')) {
      await noteRefusal(d, err);
      return outcome;
    }
    if (isRailError(err, 'no-such-station') || isRailError(err, 'invalid-request')) {
      for (const w of watches) await finishWatch(d, w, 'failed', (err as Error).message);
      return outcome;
    }
    await d.ctx.database.db
      .update(railWatches)
      .set({
        lastResult: `error: ${(err as Error).message}`.slice(0, 300),
        lastPollAt: new Date(),
        updatedAt: new Date(),
      })
      .where(
        inArray(
          railWatches.id,
          watches.map((w) => w.id),
        ),
      );
    if (reschedule) await schedule(d, key, errors + 1, false, undefined, startedAt, false, when);
    return outcome;
  }

  outcome.requests = counter.requests;
  outcome.netfunnel = counter.netfunnel ?? 0;
  d.egress.budget.record(key, counter.requests);
  const soldOutNow = new Set<string>();
  /** Party-size searches of this poll, one per party (SRT gives no seat counts; see partyFit). */
  const partySearches = new Map<string, Promise<Train[] | undefined>>();
  for (const w of watches) {
    if (d.egress.stopping) return outcome;
    if (w.reservingSince) {
      // Another worker is reserving for this watch, or crashed while doing so.
      if (w.reserving) continue;
      const adopted = await reconcile(d, w);
      if (adopted) {
        outcome.reserved.push(w.id);
        continue;
      }
    }
    const cutoff = Date.now() + w.stopBeforeMinutes * 60_000;
    const listed = trainsOf(w);
    const matching = trains.filter(
      (t) =>
        (listed
          ? listed.includes(t.trainNo)
          : t.departure >= w.timeFrom &&
            t.departure <= w.timeTo &&
            (!w.trainTypes || w.trainTypes.includes(t.group))) && kstEpoch(t.date, t.departure) > cutoff,
    );
    const seen = matching.filter(
      (t) => !soldOutNow.has(t.trainNo) && classesToTry(t, w.seatPolicy as SeatPolicy).length > 0,
    );
    const party = await partyFit(d, w, seen, partySearches);
    let result = matching.length
      ? party.short.length
        ? shortText(party.short[0], totalPassengers(w.passengers as Passengers))
        : `sold out (${matching.length} train${matching.length > 1 ? 's' : ''})`
      : 'no matching train';
    let done = false;
    for (const t of pick(party.fit, w.selection, listed).slice(0, 2)) {
      const r = await hold(d, w, t, false);
      if (r === 'reserved') {
        outcome.reserved.push(w.id);
        outcome.holdMs.push(performance.now() - searchedAt);
        done = true;
        break;
      }
      if (r === 'stop') {
        done = true;
        break;
      }
      if (r === 'sold-out') {
        soldOutNow.add(t.trainNo);
        // A party refused once waits (with the trains too short) until the train's seats change.
        if (totalPassengers(w.passengers as Passengers) > 1)
          party.short.push(refusedShortage(t, party.prior, d.now()));
      }
      result = `lost the seat on ${t.trainNo} (${r})`;
    }
    if (!done && w.standby) {
      const sb = pick(
        matching.filter((t) => t.standby && t.general === 'sold-out'),
        w.selection,
        listed,
      )[0];
      if (sb) {
        const r = await hold(d, w, sb, true);
        if (r === 'reserved' || r === 'stop') {
          if (r === 'reserved') outcome.reserved.push(w.id);
          done = true;
        }
      }
    }
    if (!done) {
      await d.ctx.database.db
        .update(railWatches)
        .set({
          status: 'trying',
          attempts: sql`${railWatches.attempts} + 1`,
          lastResult: result,
          shortage: party.short.length ? party.short : null,
          lastPollAt: new Date(),
          updatedAt: new Date(),
        })
        .where(and(eq(railWatches.id, w.id), inArray(railWatches.status, ['waiting', 'trying'])));
    }
  }
  if (reschedule) await schedule(d, key, 0, false, undefined, startedAt, false, when);
  return outcome;
}

/**
 * The part of the day the watches of a search can use: from the earliest departure any of them
 * wants (never one that leaves before its stop-before cutoff) to the latest. The adapter starts
 * there and asks for no page past the end: a watch on one train is usually one page.
 */
export function pages(
  watches: Pick<WatchRow, 'date' | 'timeFrom' | 'timeTo' | 'stopBeforeMinutes'>[],
  now = Date.now(),
): { time: string; until: string } {
  let time = '235959';
  let until = '000000';
  for (const w of watches) {
    let from = w.timeFrom;
    // A train that leaves before the cutoff cannot be reserved; on today's date skip past it.
    if (w.date === kstDate(now)) {
      const cutoff = kstTime(now + w.stopBeforeMinutes * 60_000);
      if (kstDate(now + w.stopBeforeMinutes * 60_000) === w.date && cutoff > from) from = cutoff;
    }
    if (from > w.timeTo) from = w.timeTo;
    if (from < time) time = from;
    if (w.timeTo > until) until = w.timeTo;
  }
  return { time, until };
}

/**
 * Splits the trains the shared poll saw with seats into those that can seat the watch's whole
 * party and those that cannot (the shared search asks for one seat). Where the operator gives
 * seat counts (Korail) that costs nothing. Where it only says "available" (SRT), one search with
 * the party size settles it; a train found short is not checked again until what the shared
 * search shows for it changes, or its back-off (1 min, doubling to 16) runs out: a second seat
 * freeing up does not change the one-seat answer.
 */
async function partyFit(
  d: RailDeps,
  w: WatchRow,
  trains: Train[],
  partySearches: Map<string, Promise<Train[] | undefined>>,
): Promise<{ fit: Train[]; short: SeatShortage[]; prior: SeatShortage[] }> {
  const prior = w.shortage ?? [];
  const size = totalPassengers(w.passengers as Passengers);
  if (size <= 1) return { fit: trains, short: [], prior };
  const policy = w.seatPolicy as SeatPolicy;
  const now = d.now();
  const fit: Train[] = [];
  const short: SeatShortage[] = [];
  const unsure: Train[] = [];
  for (const t of trains) {
    const known = seatsLeftFor(t, policy);
    if (classesToTry(t, policy, size).length === 0) {
      short.push({ trainNo: t.trainNo, seatsLeft: known ?? 0, seen: seenOf(t), checkedAt: now, checks: 0 });
      continue;
    }
    if (known !== undefined) {
      fit.push(t);
      continue;
    }
    const before = prior.find((x) => x.trainNo === t.trainNo && x.seen === seenOf(t));
    if (before && now < before.checkedAt + backoffMs(before.checks)) short.push(before);
    else unsure.push(t);
  }
  if (!unsure.length) return { fit, short, prior };
  const key = JSON.stringify(w.passengers);
  let answer = partySearches.get(key);
  if (!answer) {
    answer = d.egress
      .searcher(w.provider)
      .search({
        from: w.fromStation,
        to: w.toStation,
        date: w.date,
        time: unsure.reduce((m, t) => (t.departure < m ? t.departure : m), '235959'),
        passengers: w.passengers as Passengers,
      })
      .catch(async (err) => {
        d.ctx.log.warn({ err, watchId: w.id }, 'rail: party-size search failed');
        await noteRefusal(d, err);
        return undefined;
      });
    partySearches.set(key, answer);
  }
  const forParty = await answer;
  // Without an answer this poll tries none of them: a reserve could only be refused.
  if (!forParty)
    return {
      fit,
      short: [...short, ...prior.filter((x) => unsure.some((t) => t.trainNo === x.trainNo))],
      prior,
    };
  for (const t of unsure) {
    const again = forParty.find((x) => x.trainNo === t.trainNo);
    if (again && classesToTry(again, policy, size).length) fit.push(again);
    else {
      const before = prior.find((x) => x.trainNo === t.trainNo && x.seen === seenOf(t));
      short.push({
        trainNo: t.trainNo,
        seatsLeft: null,
        seen: seenOf(t),
        checkedAt: now,
        checks: (before?.checks ?? 0) + 1,
      });
    }
  }
  return { fit, short, prior };
}

/** The shared-poll job: an error is logged and the search polled again later, with back-off. */
export function pollJob(
  ctx: Context,
  rail: Pick<Rail, 'poll' | 'schedule'>,
  runs: PollRuns,
  provider: ProviderName,
): JobSpec<{ key: string; errors?: number; deferred?: boolean }> {
  return {
    name: POLL_QUEUES[provider],
    handler: async ({ key, errors, deferred }, job) => {
      await runs.running(job.id, async () => {
        try {
          await rail.poll(key, errors ?? 0, true, deferred === true);
        } catch (err) {
          ctx.log.error({ err, key }, 'rail poll failed');
          await rail.schedule(key, (errors ?? 0) + 1);
        }
      });
    },
    options: { policy: 'stately', retryLimit: 0, expireInSeconds: 120 },
  };
}
