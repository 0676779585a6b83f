/**
 * What rail shows of its rows: the view types the routes, the Kakao skill and the web pages read, the
 * mappers from rows to views, and the row readers every use case shares.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import {
  type Passengers,
  type ProviderName,
  type SeatDirection,
  type SeatPolicy,
  type SeatPosition,
  type Train,
  type TrainGroup,
  totalPassengers,
} from './providers/index.ts';
import { type railAccounts, railReservations, railWatches, type SeatShortage } from './schema.ts';
import { kstEpoch } from './time.ts';

export type TrainView = {
  provider: ProviderName;
  trainNo: string;
  type: string;
  /** The family the type belongs to (what the train-type filter picks by). */
  group: TrainGroup;
  date: string;
  from: string;
  to: string;
  departure: string;
  arrival: string;
  general: Train['general'];
  special: Train['special'];
  standby: boolean;
  price: number | null;
  departed: boolean;
};

export type AccountView = {
  id: string;
  provider: ProviderName;
  loginHint: string;
  memberName: string | null;
  status: 'ok' | 'bad-credentials' | 'blocked';
  lastError: string | null;
  createdAt: string;
};

export type WatchRow = typeof railWatches.$inferSelect;
export type ReservationRow = typeof railReservations.$inferSelect;

export type WatchView = {
  id: string;
  provider: ProviderName;
  from: string;
  to: string;
  date: string;
  timeFrom: string;
  timeTo: string;
  trainNo: string | null;
  /** The named trains, in the order the watch prefers them ([] for a time window). */
  trainNos: string[];
  trainTypes: TrainGroup[] | null;
  passengers: Passengers;
  seatPolicy: SeatPolicy;
  seatPosition: SeatPosition;
  seatDirection: SeatDirection;
  /** Not polled before this instant (ISO); null once it has passed or when never set. */
  startAt: string | null;
  /** When the operator opens sales for the date, if the watch was made before that. */
  opensAt: string | null;
  selection: 'earliest' | 'latest' | 'random';
  standby: boolean;
  notify: string[];
  deadline: string | null;
  stopBeforeMinutes: number;
  status: WatchRow['status'];
  attempts: number;
  lastResult: string | null;
  lastPollAt: string | null;
  /**
   * About how often the watch's search is checked now, in ms: what the egress budget allows with
   * every live search of the operator polled in turn. Null once the watch no longer polls.
   */
  pollEveryMs: number | null;
  failReason: string | null;
  /** Trains the last poll saw with seats, but fewer than the party: "1 seat left, 2 asked". */
  shortage: { trainNo: string; seatsLeft: number | null; asked: number }[];
  reservation: RailReservationView | null;
  createdAt: string;
};

export type RailReservationView = {
  id: string;
  provider: ProviderName;
  pnr: string;
  watchId: string | null;
  trainNo: string;
  trainType: string;
  date: string;
  from: string;
  to: string;
  departure: string;
  arrival: string;
  seatClass: string | null;
  seats: { car: string; seat: string; seatClass: string; price?: number }[];
  seatCount: number;
  totalPrice: number;
  paymentDeadline: string | null;
  standby: boolean;
  /** A party's seats side by side (one car, adjacent rows); null for one seat or none named. */
  together: boolean | null;
  /** The class policy of the watch that made it (null: reserved directly, or the watch is gone). */
  seatPolicy: SeatPolicy | null;
  status: ReservationRow['status'];
  createdAt: string;
};

export type WatchInput = {
  provider: ProviderName;
  from: string;
  to: string;
  date: string;
  timeFrom?: string;
  timeTo?: string;
  trainNo?: string | null;
  /** Several trains, preferred in this order; replaces trainNo. */
  trainNos?: string[] | null;
  trainTypes?: TrainGroup[] | null;
  passengers: Passengers;
  seatPolicy?: SeatPolicy;
  seatPosition?: SeatPosition;
  seatDirection?: SeatDirection;
  /** Start polling at this instant (never before the operator opens sales for the date). */
  startAt?: Date | null;
  selection?: 'earliest' | 'latest' | 'random';
  standby?: boolean;
  notify?: string[];
  deadline?: Date | null;
  stopBeforeMinutes?: number;
};

export type WatchPatch = Partial<Omit<WatchInput, 'provider' | 'from' | 'to' | 'date'>>;

/** How far ahead each operator sells: SRT 30 days, KTX 31 days ahead (their booking pages). */
export const BOOKING_DAYS: Record<ProviderName, number> = { srt: 30, korail: 31 };
export const PROVIDER_LABEL: Record<ProviderName, string> = { srt: 'SRT', korail: 'Korail' };

export const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function trainView(t: Train, now = Date.now()): TrainView {
  return {
    provider: t.provider,
    trainNo: t.trainNo,
    type: t.type,
    group: t.group,
    date: t.date,
    from: t.from.name,
    to: t.to.name,
    departure: t.departure,
    arrival: t.arrival,
    general: t.general,
    special: t.special,
    standby: t.standby,
    price: t.price ?? null,
    departed: kstEpoch(t.date, t.departure) <= now,
  };
}

export function reservationView(r: ReservationRow, seatPolicy?: string | null): RailReservationView {
  return {
    id: r.id,
    provider: r.provider,
    pnr: r.pnr,
    watchId: r.watchId,
    trainNo: r.trainNo,
    trainType: r.trainType,
    date: r.date,
    from: r.fromStation,
    to: r.toStation,
    departure: r.departure,
    arrival: r.arrival,
    seatClass: r.seatClass,
    seats: r.seats,
    seatCount: r.seatCount,
    totalPrice: r.totalPrice,
    paymentDeadline: iso(r.paymentDeadline),
    standby: r.standby,
    together: r.together ?? null,
    seatPolicy: (seatPolicy as SeatPolicy | null | undefined) ?? null,
    status:
      r.status === 'held' && r.paymentDeadline && r.paymentDeadline.getTime() < Date.now()
        ? 'expired'
        : r.status,
    createdAt: r.createdAt.toISOString(),
  };
}

export function watchView(w: WatchRow, r?: ReservationRow | null, pollEveryMs?: number): WatchView {
  return {
    id: w.id,
    provider: w.provider,
    from: w.fromStation,
    to: w.toStation,
    date: w.date,
    timeFrom: w.timeFrom,
    timeTo: w.timeTo,
    trainNo: w.trainNo,
    trainNos: trainsOf(w) ?? [],
    trainTypes: (w.trainTypes as TrainGroup[] | null) ?? null,
    passengers: w.passengers as Passengers,
    seatPolicy: w.seatPolicy as SeatPolicy,
    seatPosition: w.seatPosition as SeatPosition,
    seatDirection: w.seatDirection as SeatDirection,
    startAt: w.startAt && w.startAt.getTime() > Date.now() ? w.startAt.toISOString() : null,
    opensAt: iso(w.opensAt),
    selection: w.selection,
    standby: w.standby,
    notify: w.notify,
    deadline: iso(w.deadline),
    stopBeforeMinutes: w.stopBeforeMinutes,
    status: w.status,
    attempts: w.attempts,
    lastResult: w.lastResult,
    lastPollAt: iso(w.lastPollAt),
    pollEveryMs:
      (w.status === 'waiting' || w.status === 'trying') &&
      pollEveryMs !== undefined &&
      !(w.startAt && w.startAt.getTime() > Date.now())
        ? Math.round(pollEveryMs)
        : null,
    failReason: w.failReason,
    shortage:
      w.status === 'waiting' || w.status === 'trying'
        ? (w.shortage ?? []).map((x) => ({
            trainNo: x.trainNo,
            seatsLeft: x.seatsLeft,
            asked: totalPassengers(w.passengers as Passengers),
          }))
        : [],
    reservation: r ? reservationView(r, w.seatPolicy) : null,
    createdAt: w.createdAt.toISOString(),
  };
}

export function accountView(a: typeof railAccounts.$inferSelect): AccountView {
  return {
    id: a.id,
    provider: a.provider,
    loginHint: a.loginHint,
    memberName: a.memberName,
    status: a.status,
    lastError: a.lastError,
    createdAt: a.createdAt.toISOString(),
  };
}

/** The trains a watch names, in its order of preference; null for a time window. */
export function trainsOf(w: Pick<WatchRow, 'trainNo' | 'trainNos'>): string[] | null {
  if (w.trainNos?.length) return w.trainNos;
  return w.trainNo ? [w.trainNo] : null;
}

/** The last instant a watch may still try to reserve. */
export function watchEnd(w: Pick<WatchRow, 'date' | 'timeTo' | 'deadline' | 'stopBeforeMinutes'>): number {
  const lastTrain = kstEpoch(w.date, w.timeTo) - w.stopBeforeMinutes * 60_000;
  return w.deadline ? Math.min(w.deadline.getTime(), lastTrain) : lastTrain;
}

/** "1 seat left on 305, 2 asked" (the web and Kakao translate it). */
export function shortText(s: Pick<SeatShortage, 'trainNo' | 'seatsLeft'>, asked: number): string {
  return s.seatsLeft === null
    ? `fewer seats than ${asked} asked on ${s.trainNo}`
    : `${s.seatsLeft} seat${s.seatsLeft === 1 ? '' : 's'} left on ${s.trainNo}, ${asked} asked`;
}

export async function watchRow(db: Db, id: string) {
  const [w] = await db.select().from(railWatches).where(eq(railWatches.id, id));
  return w;
}

export async function reservationRow(db: Db, id: string) {
  const [r] = await db.select().from(railReservations).where(eq(railReservations.id, id));
  return r;
}
