/**
 * Search and reserve now: the direct path, no watch. Also the user's reservations (list, cancel)
 * and how a hold from the operator is stored, which the watches' holds share.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import type { Tx } from '../../platform/db.ts';
import { conflict, invalidField, notFound } from '../../platform/errors.ts';
import { FieldChecks } from '../../platform/field-checks.ts';
import { msg } from '../../platform/messages/index.ts';
import { accountProvider, accountRow } from './accounts.ts';
import type { RailDeps } from './egress.ts';
import { emitRail, RAIL_RESERVATION_CANCELLED } from './events.ts';
import {
  classesToTry,
  isRailError,
  type Passengers,
  type ProviderName,
  type Reservation,
  type SearchQuery,
  type SeatDirection,
  type SeatPolicy,
  type SeatPosition,
  seatsLeftFor,
  seatsTogether,
  totalPassengers,
} from './providers/index.ts';
import { refused } from './refusals.ts';
import { railReservations, railWatches } from './schema.ts';
import { remember } from './seen.ts';
import { kstEpoch } from './time.ts';
import { checkDate, checkPassengers, checkTrainTypes, findTrain, station } from './validation.ts';
import { type RailReservationView, reservationView, type TrainView, trainView } from './views.ts';

export async function search(
  d: RailDeps,
  q: SearchQuery & { provider: ProviderName },
): Promise<{ from: string; to: string; trains: TrainView[] }> {
  // Every bad field at once, so the form shows them together.
  const checks = new FieldChecks();
  await checks.run(() => checkDate(q.provider, q.date));
  if (q.passengers)
    await checks.run(() =>
      checkPassengers(q.passengers as NonNullable<typeof q.passengers>, undefined, q.provider),
    );
  await checks.run(() => checkTrainTypes(q.provider, q.trainTypes));
  const from = await checks.run(() => station(d, q.provider, q.from, 'body.from'));
  const to = await checks.run(() => station(d, q.provider, q.to, 'body.to'));
  checks.done();
  if (!from || !to) throw new Error('unreachable: a station check failed without an error');
  if (from.name === to.name) throw invalidField('body.to', 'must differ from body.from');
  try {
    const trains = await d.egress.asker(q.provider).search({
      from: from.name,
      to: to.name,
      date: q.date,
      time: q.time ?? '000000',
      passengers: q.passengers,
      trainTypes: q.trainTypes,
    });
    d.egress.remember(from.name, to.name, q.date, trains);
    if (!q.trainTypes && (!q.passengers || totalPassengers(q.passengers) === 1))
      await remember(
        d,
        { provider: q.provider, from: from.name, to: to.name, date: q.date, time: q.time },
        trains,
      );
    const now = Date.now();
    return { from: from.name, to: to.name, trains: trains.map((t) => trainView(t, now)) };
  } catch (err) {
    throw await refused(d, err);
  }
}

/** Reserves a train that has seats now (the direct path, no watch). */
export async function reserve(
  d: RailDeps,
  user: User,
  input: {
    provider: ProviderName;
    from: string;
    to: string;
    date: string;
    trainNo: string;
    passengers: Passengers;
    seatPolicy?: SeatPolicy;
    seatPosition?: SeatPosition;
    seatDirection?: SeatDirection;
  },
): Promise<RailReservationView> {
  if (input.seatDirection && input.seatDirection !== 'any' && input.provider !== 'korail')
    throw invalidField('body.seatDirection', 'SRT takes no seat direction: leave it at any');
  checkDate(input.provider, input.date);
  checkPassengers(input.passengers, undefined, input.provider);
  await d.egress.assertNotPaused(input.provider);
  const account = await accountRow(d, user, input.provider);
  const from = await station(d, input.provider, input.from, 'body.from');
  const to = await station(d, input.provider, input.to, 'body.to');
  const train = await findTrain(d, input.provider, from.name, to.name, input.date, input.trainNo);
  if (kstEpoch(train.date, train.departure) <= Date.now())
    throw invalidField('body.trainNo', msg('rail.train_left', { trainNo: train.trainNo }));
  const policy = input.seatPolicy ?? 'general-first';
  if (classesToTry(train, policy).length === 0)
    throw conflict(msg('rail.sold_out_policy', { trainNo: train.trainNo, policy }));
  const party = totalPassengers(input.passengers);
  if (classesToTry(train, policy, party).length === 0) {
    const left = seatsLeftFor(train, policy);
    throw conflict(
      left == null
        ? msg('rail.too_few_seats_unknown', { trainNo: train.trainNo, asked: party })
        : msg('rail.too_few_seats', { trainNo: train.trainNo, left, asked: party }),
    );
  }
  let r: Reservation;
  try {
    const p = await accountProvider(d, account.id);
    r = await p.reserve(train, {
      passengers: input.passengers,
      seatPolicy: policy,
      seatPosition: input.seatPosition ?? 'any',
      seatDirection: input.seatDirection ?? 'any',
    });
  } catch (err) {
    // The row looked free (a search's answer of a few seconds ago) but the seat went: say what to do.
    if (isRailError(err) && err.kind === 'sold-out')
      throw conflict(msg('rail.sold_out_policy', { trainNo: train.trainNo, policy }));
    throw await refused(d, err, account.id);
  }
  const row = await d.ctx.tx(async (tx) => {
    const run = await pnrRun(d, tx, r);
    const [x] = await tx
      .insert(railReservations)
      .values({ ...reservationValues(user.id, account.id, null, r), pnrRun: run })
      .returning();
    return x;
  });
  return reservationView(row);
}

/** The row of a hold the operator answered with. */
export function reservationValues(userId: string, accountId: string, watchId: string | null, r: Reservation) {
  return {
    userId,
    accountId,
    watchId,
    provider: r.provider,
    pnr: r.id,
    trainNo: r.trainNo,
    trainType: r.type,
    date: r.date,
    fromStation: r.from.name,
    toStation: r.to.name,
    departure: r.departure,
    arrival: r.arrival,
    seatClass: r.seatClass ?? null,
    seats: r.seats.map((s) => ({ car: s.car, seat: s.seat, seatClass: s.seatClass, price: s.price })),
    seatCount: r.seatCount,
    totalPrice: r.totalPrice,
    paymentDeadline: r.paymentDeadline ? new Date(r.paymentDeadline) : null,
    standby: r.standby,
    together: seatsTogether(r.seats),
  };
}

export async function reservations(d: RailDeps, user: User): Promise<RailReservationView[]> {
  const rows = await d.ctx.database.db
    .select({ r: railReservations, policy: railWatches.seatPolicy })
    .from(railReservations)
    .leftJoin(railWatches, eq(railWatches.id, railReservations.watchId))
    .where(eq(railReservations.userId, user.id))
    .orderBy(desc(railReservations.createdAt));
  return rows.map((x) => reservationView(x.r, x.policy));
}

export async function cancelReservation(d: RailDeps, user: User, id: string): Promise<RailReservationView> {
  const [r] = await d.ctx.database.db
    .select()
    .from(railReservations)
    .where(and(eq(railReservations.id, id), eq(railReservations.userId, user.id)));
  if (!r) throw notFound('rail reservation');
  if (r.status !== 'held') throw conflict(msg('rail.reservation_state', { status: r.status }));
  if (!r.accountId)
    throw conflict('the account behind this reservation was removed; cancel it in the operator app');
  try {
    const p = await accountProvider(d, r.accountId);
    await p.cancel(r.pnr);
  } catch (err) {
    throw await refused(d, err, r.accountId);
  }
  const row = await d.ctx.tx(async (tx) => {
    const [x] = await tx
      .update(railReservations)
      .set({ status: 'cancelled', cancelledAt: new Date() })
      .where(eq(railReservations.id, r.id))
      .returning();
    // The traveller gets a receipt of the cancellation (mail and in the app).
    await emitRail(tx, RAIL_RESERVATION_CANCELLED, { reservationId: r.id, userId: user.id });
    return x;
  });
  return reservationView(row);
}

/**
 * The run number to store a new hold under. An operator never gives a number out twice, but a
 * stand-in that restarted without its state does: a stored row with the same number is then a
 * hold of the earlier run, gone at the operator. It is marked expired (cancelling it would now
 * cancel the new hold) and the new one gets the next run number; it is not "another worker won".
 */
export async function pnrRun(d: RailDeps, tx: Tx, r: Reservation): Promise<number> {
  const same = await tx
    .select({ id: railReservations.id, pnrRun: railReservations.pnrRun })
    .from(railReservations)
    .where(and(eq(railReservations.provider, r.provider), eq(railReservations.pnr, r.id)))
    .orderBy(desc(railReservations.pnrRun));
  if (!same.length) return 0;
  d.ctx.log.warn(
    { provider: r.provider, pnr: r.id },
    'rail: the operator reused a reservation number; the stored hold with it is taken as gone',
  );
  await tx
    .update(railReservations)
    .set({ status: 'expired', cancelledAt: new Date() })
    .where(
      and(
        eq(railReservations.provider, r.provider),
        eq(railReservations.pnr, r.id),
        eq(railReservations.status, 'held'),
      ),
    );
  return same[0].pnrRun + 1;
}
