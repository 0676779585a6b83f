/**
 * A user's watches: a wish for a seat on a train or in a time window, validated against the
 * operator, then polled by the engine until it holds a seat or has to stop.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import { conflict, invalidField, notFound } from '../../platform/errors.ts';
import { msg } from '../../platform/messages/index.ts';
import { accountRow } from './accounts.ts';
import { checkNotify, defaultChannels } from './channels.ts';
import type { RailDeps } from './egress.ts';
import { emitRail, RAIL_WATCH_CREATED } from './events.ts';
import { watchStart } from './opening.ts';
import { schedule } from './poll.ts';
import type { ProviderName, Station } from './providers/index.ts';
import { railReservations, railWatches } from './schema.ts';
import { kstEpoch } from './time.ts';
import { checkPassengers, checkTrainTypes, findTrain, findTrains, station } from './validation.ts';
import { type WatchInput, type WatchPatch, type WatchView, watchView } from './views.ts';

const searchKeyOf = (provider: ProviderName, from: Station, to: Station, date: string) =>
  `${provider}|${from.code ?? from.name}|${to.code ?? to.name}|${date}`;

/** Validates a watch against the operator (stations, date, train) before anything is scheduled. */
async function resolveWatch(d: RailDeps, input: WatchInput) {
  // A date past the booking window is fine: the watch waits for the opening (opening.ts).
  const start = watchStart(input.provider, input.date, input.startAt);
  const onSale = !start.opensAt;
  checkPassengers(input.passengers, undefined, input.provider);
  if (input.seatDirection && input.seatDirection !== 'any' && input.provider !== 'korail')
    throw invalidField('body.seatDirection', 'SRT takes no seat direction: leave it at any');
  checkTrainTypes(input.provider, input.trainTypes);
  const from = await station(d, input.provider, input.from, 'body.from');
  const to = await station(d, input.provider, input.to, 'body.to');
  if (from.name === to.name) throw invalidField('body.to', 'must differ from body.from');
  let timeFrom = input.timeFrom ?? '000000';
  let timeTo = input.timeTo ?? '235959';
  const stopBefore = input.stopBeforeMinutes ?? d.ctx.config.rail.stopBeforeMinutes;
  let trainNo: string | null = null;
  let trainNos: string[] | null = null;
  const wanted = input.trainNos?.length ? input.trainNos : input.trainNo ? [input.trainNo] : [];
  const path = input.trainNos?.length ? 'body.trainNos' : 'body.trainNo';
  if (wanted.length) {
    const nos = [...new Set(wanted.map((n) => n.replace(/^0+/, '') || '0'))];
    if (onSale) {
      // One named train may come from the kept timetable (no request); several are looked up together.
      const found =
        path === 'body.trainNo' && nos.length === 1
          ? [await findTrain(d, input.provider, from.name, to.name, input.date, nos[0] as string, true)]
          : await findTrains(d, input.provider, from.name, to.name, input.date, nos, path);
      for (const train of found)
        if (kstEpoch(train.date, train.departure) - stopBefore * 60_000 <= Date.now())
          throw invalidField(
            path,
            msg('rail.train_leaving', { trainNo: train.trainNo, minutes: stopBefore }),
          );
      timeFrom = found.reduce((m, t) => (t.departure < m ? t.departure : m), '235959');
      timeTo = found.reduce((m, t) => (t.departure > m ? t.departure : m), '000000');
    } else {
      // Not on sale yet: the operator shows no trains for the date, so the numbers wait for the opening.
      timeFrom = '000000';
      timeTo = '235959';
    }
    trainNo = nos[0];
    trainNos = nos.length > 1 ? nos : null;
  } else {
    if (timeFrom >= timeTo)
      throw invalidField('body.timeTo', 'the time window is empty: timeTo must be after timeFrom');
    if (kstEpoch(input.date, timeTo) - stopBefore * 60_000 <= Date.now())
      throw invalidField('body.timeTo', 'every train in this window has already left');
  }
  if (input.deadline && input.deadline.getTime() <= Date.now())
    throw invalidField('body.deadline', 'must be in the future');
  // One named train needs no family filter.
  const trainTypes = trainNo ? null : (input.trainTypes ?? null);
  return { from, to, timeFrom, timeTo, trainNo, trainNos, trainTypes, stopBefore, ...start };
}

export async function createWatch(d: RailDeps, user: User, input: WatchInput): Promise<WatchView> {
  await d.egress.assertNotPaused(input.provider);
  const account = await accountRow(d, user, input.provider);
  const v = await resolveWatch(d, input);
  if (input.notify) await checkNotify(d, user.id, input.notify);
  const notify = input.notify ?? (await defaultChannels(d, user.id));
  const [w] = await d.ctx.tx(async (tx) => {
    const rows = await tx
      .insert(railWatches)
      .values({
        userId: user.id,
        accountId: account.id,
        provider: input.provider,
        searchKey: searchKeyOf(input.provider, v.from, v.to, input.date),
        fromStation: v.from.name,
        toStation: v.to.name,
        date: input.date,
        timeFrom: v.timeFrom,
        timeTo: v.timeTo,
        trainNo: v.trainNo,
        trainNos: v.trainNos,
        startAt: v.startAt,
        opensAt: v.opensAt,
        trainTypes: v.trainTypes,
        passengers: input.passengers as Record<string, number>,
        seatPolicy: input.seatPolicy ?? 'general-first',
        seatPosition: input.seatPosition ?? 'any',
        seatDirection: input.seatDirection ?? 'any',
        selection: input.selection ?? 'earliest',
        standby: input.standby ?? false,
        notify,
        deadline: input.deadline ?? null,
        stopBeforeMinutes: v.stopBefore,
      })
      .returning();
    await emitRail(tx, RAIL_WATCH_CREATED, { watchId: rows[0].id, userId: user.id });
    return rows;
  });
  await schedule(d, w.searchKey, 0, true);
  return watchView(w, null, await d.egress.budget.intervalMs(w.provider));
}

export async function watches(d: RailDeps, user: User): Promise<WatchView[]> {
  const rows = await d.ctx.database.db
    .select({ w: railWatches, r: railReservations })
    .from(railWatches)
    .leftJoin(railReservations, eq(railReservations.watchId, railWatches.id))
    .where(eq(railWatches.userId, user.id))
    .orderBy(desc(railWatches.createdAt));
  const every = {
    srt: await d.egress.budget.intervalMs('srt'),
    korail: await d.egress.budget.intervalMs('korail'),
  };
  return rows.map((x) => watchView(x.w, x.r, every[x.w.provider]));
}

export async function watch(d: RailDeps, user: User, id: string): Promise<WatchView> {
  const [x] = await d.ctx.database.db
    .select({ w: railWatches, r: railReservations })
    .from(railWatches)
    .leftJoin(railReservations, eq(railReservations.watchId, railWatches.id))
    .where(and(eq(railWatches.id, id), eq(railWatches.userId, user.id)));
  if (!x) throw notFound('watch');
  return watchView(x.w, x.r, await d.egress.budget.intervalMs(x.w.provider));
}

/** Edits a live watch; the new values count from its next poll. */
export async function editWatch(d: RailDeps, user: User, id: string, patch: WatchPatch): Promise<WatchView> {
  const current = await watch(d, user, id);
  if (current.status !== 'waiting' && current.status !== 'trying')
    throw conflict(msg('rail.watch_state', { status: current.status }));
  const merged: WatchInput = {
    provider: current.provider,
    from: current.from,
    to: current.to,
    date: current.date,
    timeFrom: patch.timeFrom ?? (patch.trainNo ? undefined : current.trainNo ? undefined : current.timeFrom),
    timeTo: patch.timeTo ?? (patch.trainNo ? undefined : current.trainNo ? undefined : current.timeTo),
    trainNo:
      patch.trainNo !== undefined ? patch.trainNo : patch.timeFrom || patch.timeTo ? null : current.trainNo,
    trainNos:
      patch.trainNos !== undefined
        ? patch.trainNos
        : patch.trainNo !== undefined || patch.timeFrom || patch.timeTo
          ? null
          : current.trainNos,
    trainTypes:
      patch.trainTypes !== undefined
        ? patch.trainTypes
        : patch.trainNo || patch.trainNos?.length
          ? null
          : current.trainTypes,
    passengers: patch.passengers ?? current.passengers,
    seatPolicy: patch.seatPolicy ?? current.seatPolicy,
    seatPosition: patch.seatPosition ?? current.seatPosition,
    seatDirection: patch.seatDirection ?? current.seatDirection,
    startAt: patch.startAt !== undefined ? patch.startAt : current.startAt ? new Date(current.startAt) : null,
    selection: patch.selection ?? current.selection,
    standby: patch.standby ?? current.standby,
    notify: patch.notify ?? current.notify,
    deadline:
      patch.deadline !== undefined ? patch.deadline : current.deadline ? new Date(current.deadline) : null,
    stopBeforeMinutes: patch.stopBeforeMinutes ?? current.stopBeforeMinutes,
  };
  const v = await resolveWatch(d, merged);
  if (patch.notify) await checkNotify(d, user.id, patch.notify);
  const rows = await d.ctx.database.db
    .update(railWatches)
    .set({
      timeFrom: v.timeFrom,
      timeTo: v.timeTo,
      trainNo: v.trainNo,
      trainNos: v.trainNos,
      startAt: v.startAt,
      opensAt: v.opensAt,
      trainTypes: v.trainTypes,
      passengers: merged.passengers as Record<string, number>,
      seatPolicy: merged.seatPolicy,
      seatPosition: merged.seatPosition,
      seatDirection: merged.seatDirection,
      selection: merged.selection,
      standby: merged.standby,
      notify: merged.notify,
      deadline: merged.deadline ?? null,
      stopBeforeMinutes: v.stopBefore,
      // The party or trains may have changed: what was too short before is checked afresh.
      shortage: null,
      updatedAt: new Date(),
    })
    .where(and(eq(railWatches.id, id), inArray(railWatches.status, ['waiting', 'trying'])))
    .returning();
  if (!rows.length) throw conflict('the watch changed state meanwhile; reload it');
  await schedule(d, rows[0].searchKey, 0, true);
  return watch(d, user, id);
}

export async function stopWatch(d: RailDeps, user: User, id: string): Promise<WatchView> {
  const current = await watch(d, user, id);
  if (current.status === 'waiting' || current.status === 'trying') {
    await d.ctx.database.db
      .update(railWatches)
      .set({ status: 'stopped', failReason: 'stopped by you', updatedAt: new Date() })
      .where(and(eq(railWatches.id, id), inArray(railWatches.status, ['waiting', 'trying'])));
  }
  return watch(d, user, id);
}

export async function deleteWatch(d: RailDeps, user: User, id: string) {
  await stopWatch(d, user, id);
  await d.ctx.database.db
    .delete(railWatches)
    .where(and(eq(railWatches.id, id), eq(railWatches.userId, user.id)));
}
