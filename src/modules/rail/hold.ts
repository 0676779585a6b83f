/**
 * The engine's hold: reserving a train for a watch exactly once, storing the operator's answer as the
 * watch's one reservation, and adopting a hold a crash left at the operator but not here.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { claim } from '../../platform/claim.ts';
import { sqlState } from '../../platform/db.ts';
import { accountProvider } from './accounts.ts';
import { pnrRun, reservationValues } from './booking.ts';
import type { RailDeps } from './egress.ts';
import { emitRail, RAIL_RESERVED } from './events.ts';
import {
  isRailError,
  type Passengers,
  type Reservation,
  type SeatDirection,
  type SeatPolicy,
  type SeatPosition,
  type Train,
} from './providers/index.ts';
import { noteRefusal } from './refusals.ts';
import { railReservations, railWatches } from './schema.ts';
import type { WatchRow } from './views.ts';

/** A reserve claim older than this is taken as left behind by a crashed worker. */
export const STALE_CLAIM_SECONDS = 60;

class WatchGone extends Error {}

/**
 * Reserves `train` for `w`, exactly once: a claim on the watch row (reserving_since) keeps two
 * workers from reserving at the same time; the unique index on rail_reservations.watch_id keeps a
 * second hold from being recorded (and that hold is cancelled at the operator at once).
 */
export async function hold(
  d: RailDeps,
  w: WatchRow,
  train: Train,
  standby: boolean,
): Promise<'reserved' | 'sold-out' | 'busy' | 'error' | 'stop'> {
  const claimed = await claim(d.ctx.database.db, railWatches, {
    lease: { column: railWatches.reservingSince, seconds: STALE_CLAIM_SECONDS },
    where: eq(railWatches.id, w.id),
    open: inArray(railWatches.status, ['waiting', 'trying']),
    set: { reservingTrain: train.trainNo, status: 'trying', updatedAt: new Date() },
  });
  if (!claimed.length) return 'busy';
  let r: Reservation;
  try {
    const p = await accountProvider(d, w.accountId);
    r = standby
      ? await p.requestStandby(train, {
          passengers: w.passengers as Passengers,
          seatPolicy: w.seatPolicy as SeatPolicy,
        })
      : await p.reserve(train, {
          passengers: w.passengers as Passengers,
          seatPolicy: w.seatPolicy as SeatPolicy,
          seatPosition: w.seatPosition as SeatPosition,
          seatDirection: w.seatDirection as SeatDirection,
        });
  } catch (err) {
    await d.ctx.database.db
      .update(railWatches)
      .set({
        reservingSince: null,
        reservingTrain: null,
        attempts: sql`${railWatches.attempts} + 1`,
        lastResult: isRailError(err, 'sold-out')
          ? `lost the race for ${train.trainNo}`
          : `error: ${(err as Error).message}`.slice(0, 300),
        lastPollAt: new Date(),
        updatedAt: new Date(),
      })
      .where(eq(railWatches.id, w.id));
    if (
      isRailError(err, 'blocked') ||
      isRailError(err, 'bad-credentials') ||
      isRailError(err, 'login-refused')
    ) {
      await noteRefusal(d, err, w.accountId);
      return 'stop';
    }
    return isRailError(err, 'sold-out') ? 'sold-out' : 'error';
  }
  return (await record(d, w, r)) ? 'reserved' : 'error';
}

/** Stores the operator's hold as the watch's one reservation; a second one is cancelled at once. */
async function record(d: RailDeps, w: WatchRow, r: Reservation): Promise<boolean> {
  let why: 'duplicate' | 'stopped';
  try {
    await d.ctx.tx(async (tx) => {
      // The watch must still be live: stopped (or deleted) while the reserve was in flight means no.
      const live = await tx
        .update(railWatches)
        .set({
          status: 'reserved',
          reservingSince: null,
          attempts: sql`${railWatches.attempts} + 1`,
          // A standby request is a place in the operator's queue, not a seat: never call it reserved.
          lastResult: r.standby ? `standby requested ${r.id}` : `reserved ${r.id}`,
          lastPollAt: new Date(),
          updatedAt: new Date(),
        })
        .where(and(eq(railWatches.id, w.id), inArray(railWatches.status, ['waiting', 'trying'])))
        .returning({ id: railWatches.id });
      if (!live.length) throw new WatchGone();
      const run = await pnrRun(d, tx, r);
      const [row] = await tx
        .insert(railReservations)
        .values({ ...reservationValues(w.userId, w.accountId, w.id, r), pnrRun: run })
        .returning({ id: railReservations.id });
      await emitRail(tx, RAIL_RESERVED, { watchId: w.id, reservationId: row.id, userId: w.userId });
    });
    return true;
  } catch (err) {
    if (err instanceof WatchGone) why = 'stopped';
    else if (sqlState(err) === '23505' && (await hasHold(d, w.id))) why = 'duplicate';
    else throw err;
  }
  // Either the watch has its hold already (another worker won) or it was stopped: give this one back.
  d.ctx.log.warn(
    { watchId: w.id, pnr: r.id, why },
    'hold not wanted by its watch: cancelling it at the operator',
  );
  try {
    await (await accountProvider(d, w.accountId)).cancel(r);
  } catch (e) {
    d.ctx.log.error({ err: e, pnr: r.id }, 'could not cancel an unwanted hold');
  }
  if (why === 'stopped')
    await d.ctx.database.db
      .update(railWatches)
      .set({
        reservingSince: null,
        lastResult: `stopped while reserving: hold ${r.id} cancelled`,
        updatedAt: new Date(),
      })
      .where(eq(railWatches.id, w.id));
  return false;
}

async function hasHold(d: RailDeps, watchId: string): Promise<boolean> {
  const rows = await d.ctx.database.db
    .select({ id: railReservations.id })
    .from(railReservations)
    .where(eq(railReservations.watchId, watchId));
  return rows.length > 0;
}

/**
 * After a crash between the operator's answer and our commit, the hold exists at the operator
 * but not here. Before trying again, look for it and adopt it instead of making a second one.
 */
export async function reconcile(d: RailDeps, w: WatchRow): Promise<boolean> {
  try {
    const p = await accountProvider(d, w.accountId);
    const theirs = await p.listReservations();
    const known = new Set(
      (
        await d.ctx.database.db
          .select({ pnr: railReservations.pnr })
          .from(railReservations)
          .where(eq(railReservations.accountId, w.accountId))
      ).map((x) => x.pnr),
    );
    const found = theirs.find(
      (r) =>
        !known.has(r.id) &&
        !r.paid &&
        r.date === w.date &&
        r.trainNo === w.reservingTrain &&
        r.from.name === w.fromStation &&
        r.to.name === w.toStation,
    );
    if (found) {
      d.ctx.log.info({ watchId: w.id, pnr: found.id }, 'adopting a hold made before a crash');
      return await record(d, w, found);
    }
    await d.ctx.database.db
      .update(railWatches)
      .set({ reservingSince: null, reservingTrain: null, updatedAt: new Date() })
      .where(eq(railWatches.id, w.id));
    w.reservingSince = null;
    return false;
  } catch (err) {
    d.ctx.log.warn({ err, watchId: w.id }, 'could not check the operator for a lost hold');
    return false;
  }
}
