import { setMaxListeners } from 'node:events';
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { RailSim } from '../../../sims/rail/server.ts';
import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { Sealer } from '../../platform/crypto.ts';
import { sqlState } from '../../platform/db.ts';
import { AppError, badRequest, conflict, invalidField, notFound } from '../../platform/errors.ts';
import { emit } from '../../platform/events/outbox.ts';
import { SharedPacing } from './pacing.ts';
import {
  classesToTry,
  createRailProvider,
  isRailError,
  PASSENGER_TYPES,
  type Passengers,
  type ProviderName,
  RailError,
  type RailProvider,
  type Reservation,
  type ReservedSeat,
  type SeatPolicy,
  type SeatPosition,
  type Station,
  seatsLeftFor,
  type Train,
  type TrainGroup,
  totalPassengers,
} from './providers/index.ts';
import {
  railAccounts,
  railKakaoLinks,
  railNotifySettings,
  railReservations,
  railWatches,
  type SeatShortage,
} from './schema.ts';
import { addDays, kstDate, kstEpoch, kstIso, kstTime } from './time.ts';

export type ProviderEndpoints = { baseUrl: string; netfunnelUrl: string };

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
  trainTypes: TrainGroup[] | null;
  passengers: Passengers;
  seatPolicy: SeatPolicy;
  seatPosition: SeatPosition;
  selection: 'earliest' | 'latest' | 'random';
  standby: boolean;
  notify: string[];
  deadline: string | null;
  stopBeforeMinutes: number;
  status: WatchRow['status'];
  attempts: number;
  lastResult: string | null;
  lastPollAt: string | null;
  failReason: string | null;
  /** Trains the last poll saw with seats, but fewer than the party: "1 seat left, 2 asked". */
  shortage: { trainNo: string; seatsLeft: number | null; asked: number }[];
  reservation: ReservationView | null;
  createdAt: string;
};

export type ReservationView = {
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
  trainTypes?: TrainGroup[] | null;
  passengers: Passengers;
  seatPolicy?: SeatPolicy;
  seatPosition?: SeatPosition;
  selection?: 'earliest' | 'latest' | 'random';
  standby?: boolean;
  notify?: string[];
  deadline?: Date | null;
  stopBeforeMinutes?: number;
};

export type WatchPatch = Partial<Omit<WatchInput, 'provider' | 'from' | 'to' | 'date'>>;

/** How far ahead each operator sells (research §2.9: SRT D-30, KTX D-31). */
export const BOOKING_DAYS: Record<ProviderName, number> = { srt: 30, korail: 31 };
const PROVIDER_LABEL: Record<ProviderName, string> = { srt: 'SRT', korail: 'Korail' };
/** A reserve claim older than this is taken as left behind by a crashed worker. */
const STALE_CLAIM_MS = 60_000;
const MAX_BACKOFF_MS = 5 * 60_000;
/** The stand-in operator's first member (sims/rail README). */
export const SANDBOX_MEMBER = { id: '1234567890', password: 'sim-password' };

const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** "2026-11-23 18:30" in Korean time. */
const kstClock = (d: Date) =>
  `${kstDate(d.getTime()).replace(/(\d{4})(\d{2})(\d{2})/, '$1-$2-$3')} ${kstTime(d.getTime()).slice(0, 2)}:${kstTime(d.getTime()).slice(2, 4)}`;
/** What a user reads while an operator's block pause lasts. */
const pausedText = (provider: ProviderName, reason: string, until: Date) =>
  `${PROVIDER_LABEL[provider]} blocked this server (${reason}); yeyak sends nothing to ${PROVIDER_LABEL[provider]} until ${kstClock(until)} KST. Try again after that.`;
/** The code of our own refusal while an operator's block pause lasts (no request was sent). */
const PAUSED = 'YEYAK_PAUSED';

export function maskLogin(id: string): string {
  if (id.includes('@')) {
    const [name, host] = id.split('@');
    return `${name.slice(0, 2)}${'*'.repeat(Math.max(1, name.length - 2))}@${host}`;
  }
  return id.length <= 4 ? '****' : `${id.slice(0, 3)}${'*'.repeat(id.length - 5)}${id.slice(-2)}`;
}

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

function reservationView(r: ReservationRow): ReservationView {
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
    status:
      r.status === 'held' && r.paymentDeadline && r.paymentDeadline.getTime() < Date.now()
        ? 'expired'
        : r.status,
    createdAt: r.createdAt.toISOString(),
  };
}

function watchView(w: WatchRow, r?: ReservationRow | null): WatchView {
  return {
    id: w.id,
    provider: w.provider,
    from: w.fromStation,
    to: w.toStation,
    date: w.date,
    timeFrom: w.timeFrom,
    timeTo: w.timeTo,
    trainNo: w.trainNo,
    trainTypes: (w.trainTypes as TrainGroup[] | null) ?? null,
    passengers: w.passengers as Passengers,
    seatPolicy: w.seatPolicy as SeatPolicy,
    seatPosition: w.seatPosition as SeatPosition,
    selection: w.selection,
    standby: w.standby,
    notify: w.notify,
    deadline: iso(w.deadline),
    stopBeforeMinutes: w.stopBeforeMinutes,
    status: w.status,
    attempts: w.attempts,
    lastResult: w.lastResult,
    lastPollAt: iso(w.lastPollAt),
    failReason: w.failReason,
    shortage:
      w.status === 'waiting' || w.status === 'trying'
        ? (w.shortage ?? []).map((x) => ({
            trainNo: x.trainNo,
            seatsLeft: x.seatsLeft,
            asked: totalPassengers(w.passengers as Passengers),
          }))
        : [],
    reservation: r ? reservationView(r) : null,
    createdAt: w.createdAt.toISOString(),
  };
}

/** The last instant a watch may still try to reserve. */
export function watchEnd(w: Pick<WatchRow, 'date' | 'timeTo' | 'deadline' | 'stopBeforeMinutes'>): number {
  const lastTrain = kstEpoch(w.date, w.timeTo) - w.stopBeforeMinutes * 60_000;
  return w.deadline ? Math.min(w.deadline.getTime(), lastTrain) : lastTrain;
}

const searchKeyOf = (provider: ProviderName, from: Station, to: Station, date: string) =>
  `${provider}|${from.code ?? from.name}|${to.code ?? to.name}|${date}`;

/** Picks the train to try among the candidates, by the watch's selection. */
function pick<T extends { departure: string }>(list: T[], selection: WatchRow['selection']): T[] {
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

/** "1 seat left on 305, 2 asked" (the web and Kakao translate it). */
export function shortText(s: Pick<SeatShortage, 'trainNo' | 'seatsLeft'>, asked: number): string {
  return s.seatsLeft === null
    ? `fewer seats than ${asked} asked on ${s.trainNo}`
    : `${s.seatsLeft} seat${s.seatsLeft === 1 ? '' : 's'} left on ${s.trainNo}, ${asked} asked`;
}

class WatchGone extends Error {}

/** The reservation is still a standby request waiting at the operator (guards each change once). */
const openStandby = (id: string) =>
  and(eq(railReservations.id, id), eq(railReservations.status, 'held'), eq(railReservations.standby, true));

export type PollOutcome = {
  searched: boolean;
  watches: number;
  reserved: string[];
  /** Milliseconds from the search answer to each hold committed here (poll-to-hold latency). */
  holdMs: number[];
  error?: string;
};

/**
 * The rail module's logic: operator accounts (sealed credentials), search, direct reservations, and
 * watches with their shared polls. HTTP routes and pg-boss jobs call into it.
 */
export class Rail {
  readonly sealer: Sealer;
  private endpoints: Partial<Record<ProviderName, ProviderEndpoints>> = {};
  /** One adapter per account (own cookie jar and pacing), logged in once and reused. */
  private readonly accountProviders = new Map<string, { provider: RailProvider; ready: Promise<void> }>();
  /** Anonymous adapters for searches (no login needed), one per operator. */
  private readonly searchers = new Map<ProviderName, RailProvider>();
  /** Request slots in the database: the per-egress and per-account limits hold across processes. */
  readonly pacing: SharedPacing;
  sandbox = false;
  /** Set on shutdown: polls end early and no request leaves. */
  stopping = false;
  /** Wakes every request waiting for its slot when yeyak shuts down. */
  private readonly halted = new AbortController();
  /** The in-process stand-in operator in sandbox mode (demo and tests may drive it). */
  sandboxSim: RailSim | undefined;
  /** How long the Kakao skill works before answering with useCallback (Kakao allows 5 s). */
  kakaoBudgetMs = 3500;
  /** The clock of the party-size back-off (a test moves it forward). */
  now: () => number = () => Date.now();

  constructor(private readonly ctx: Context) {
    this.sealer = new Sealer(ctx.config.rail.secret ?? ctx.secret, 'rail credentials v1');
    this.pacing = new SharedPacing(ctx.database.db);
    // Every request waiting for its slot listens here; hundreds may wait at once.
    setMaxListeners(0, this.halted.signal);
  }

  get config() {
    return this.ctx.config.rail;
  }

  setEndpoints(e: Partial<Record<ProviderName, ProviderEndpoints>>, sandbox: boolean) {
    this.endpoints = e;
    this.sandbox = sandbox;
    this.searchers.clear();
    this.accountProviders.clear();
  }

  async providers(): Promise<
    {
      name: ProviderName;
      label: string;
      sandbox: boolean;
      bookingDays: number;
      pausedUntil: string | null;
      pausedReason: string | null;
    }[]
  > {
    return Promise.all(
      (['srt', 'korail'] as const).map(async (name) => {
        const paused = await this.pacing.paused(this.egressKey(name));
        return {
          name,
          label: PROVIDER_LABEL[name],
          sandbox: this.sandbox,
          bookingDays: BOOKING_DAYS[name],
          pausedUntil: iso(paused?.until ?? null),
          pausedReason: paused?.reason ?? null,
        };
      }),
    );
  }

  /** Shutdown: no new request leaves, and requests waiting for a slot give up at once. */
  halt() {
    this.stopping = true;
    this.halted.abort();
  }

  /** Sleeps `ms`, or less when yeyak shuts down meanwhile. */
  private nap(ms: number): Promise<void> {
    const signal = this.halted.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  egressKey(name: ProviderName) {
    return `egress:${this.config.egressId}:${name}`;
  }

  private stoppingError(name: ProviderName) {
    return new RailError('operator', name, 'yeyak is shutting down', { code: 'STOPPING' });
  }

  /** Waits for the next slot of a shared pacing key; a paused key refuses at once. */
  private async slot(name: ProviderName, key: string, intervalMs: number) {
    if (this.stopping) throw this.stoppingError(name);
    const s = await this.pacing.take(key, intervalMs);
    if ('blockedUntil' in s)
      throw new RailError('blocked', name, pausedText(name, s.reason, s.blockedUntil), {
        code: PAUSED,
        operatorMessage: s.reason,
      });
    if (s.waitMs > 0) await this.nap(s.waitMs);
  }

  /**
   * Runs before every request an adapter sends: the account's slot (when it has one), then the
   * egress slot, both shared by every process on this database. The egress slot comes last so the
   * request leaves at its egress time.
   */
  private gate(name: ProviderName, accountId?: string) {
    return async () => {
      if (accountId) await this.slot(name, `account:${accountId}`, this.config.accountIntervalMs);
      await this.slot(name, this.egressKey(name), 60_000 / this.config.egressPerMinute);
      if (this.stopping) throw this.stoppingError(name);
    };
  }

  /** A fresh adapter with the configured endpoints, pacing and egress gate. */
  newProvider(name: ProviderName, accountId?: string): RailProvider {
    const e = this.endpoints[name];
    return createRailProvider(name, {
      baseUrl: e?.baseUrl,
      netfunnelUrl: e?.netfunnelUrl,
      minIntervalMs: this.config.accountIntervalMs,
      jitterMs: Math.min(250, this.config.accountIntervalMs / 4),
      netfunnelPollMs: this.sandbox ? 50 : undefined,
      timeoutMs: 15_000,
      gate: this.gate(name, accountId),
    });
  }

  private searcher(name: ProviderName): RailProvider {
    let s = this.searchers.get(name);
    if (!s || s.stoppedBy) {
      s = this.newProvider(name);
      this.searchers.set(name, s);
    }
    return s;
  }

  // ------------------------------------------------------------------ validation

  /** Resolves a station name, or a 400 naming the field with the nearest names. */
  async station(provider: ProviderName, name: string, path: string): Promise<Station> {
    try {
      return await this.searcher(provider).findStation(name);
    } catch (err) {
      if (isRailError(err, 'no-such-station')) {
        throw new AppError(400, `${path}: ${err.message}`, {
          errors: [{ path, message: err.message }],
          suggestions: err.suggestions ?? [],
        });
      }
      throw await this.refused(err);
    }
  }

  checkDate(provider: ProviderName, date: string, path = 'body.date') {
    const today = kstDate();
    const last = addDays(today, BOOKING_DAYS[provider]);
    if (date < today) throw invalidField(path, `${date} is in the past (today in Korea is ${today})`);
    if (date > last)
      throw invalidField(
        path,
        `${PROVIDER_LABEL[provider]} sells ${BOOKING_DAYS[provider]} days ahead: the last date now is ${last}`,
      );
  }

  checkPassengers(p: Passengers, path = 'body.passengers') {
    for (const t of PASSENGER_TYPES) {
      const n = p[t] ?? 0;
      if (!Number.isInteger(n) || n < 0) throw invalidField(`${path}.${t}`, 'must be a whole number ≥ 0');
    }
    const total = totalPassengers(p);
    if (total < 1) throw invalidField(path, 'at least 1 passenger');
    if (total > 9) throw invalidField(path, `at most 9 passengers per reservation (got ${total})`);
    if (total === (p.child ?? 0))
      throw invalidField(path, 'children need an accompanying adult, senior or disabled passenger');
  }

  /** A train-type filter the operator can answer: SRT runs only SRT, Korail everything else. */
  checkTrainTypes(provider: ProviderName, types: TrainGroup[] | null | undefined, path = 'body.trainTypes') {
    if (!types) return;
    const sold = types.filter((t) => (provider === 'srt' ? t === 'SRT' : t !== 'SRT'));
    if (!sold.length)
      throw invalidField(
        path,
        provider === 'srt'
          ? 'SRT runs only SRT trains: include SRT, or leave the filter out'
          : 'Korail does not run SRT trains: pick KTX, ITX, saemaeul, mugunghwa or other',
      );
  }

  /** Turns adapter errors into answers a user can act on. */
  operatorError(err: unknown): Error {
    if (!(err instanceof RailError)) return err as Error;
    const label = PROVIDER_LABEL[err.provider];
    switch (err.kind) {
      case 'sold-out':
        return conflict(`sold out: ${err.message}`);
      case 'blocked':
        return new AppError(
          503,
          err.code === PAUSED
            ? err.message
            : `${label} refused us (blocked): ${err.operatorMessage ?? err.message}. yeyak stops every ${label} watch and pauses ${label} for ${this.config.blockPauseMinutes} min; there is no workaround but waiting.`,
        );
      case 'bad-credentials':
        return invalidField('body.password', `${label} says the id or password is wrong`);
      case 'invalid-request':
        return badRequest(err.message);
      default:
        return new AppError(502, `${label}: ${err.operatorMessage ?? err.message}`);
    }
  }

  // ------------------------------------------------------------------ accounts

  private accountView(a: typeof railAccounts.$inferSelect): AccountView {
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

  async accounts(user: User): Promise<AccountView[]> {
    const rows = await this.ctx.database.db
      .select()
      .from(railAccounts)
      .where(eq(railAccounts.userId, user.id))
      .orderBy(asc(railAccounts.provider));
    return rows.map((a) => this.accountView(a));
  }

  /** Checks the credentials with the operator, then stores them sealed (one account per operator). */
  async saveAccount(user: User, provider: ProviderName, id: string, password: string): Promise<AccountView> {
    const p = this.newProvider(provider);
    let session: Awaited<ReturnType<RailProvider['login']>>;
    try {
      session = await p.login({ id, password });
    } catch (err) {
      throw await this.refused(err);
    }
    const secret = this.sealer.seal(JSON.stringify({ id, password }), `account:${user.id}:${provider}`);
    const [row] = await this.ctx.database.db
      .insert(railAccounts)
      .values({
        userId: user.id,
        provider,
        loginHint: maskLogin(id),
        secret,
        memberNo: session.memberNo,
        memberName: session.name,
      })
      .onConflictDoUpdate({
        target: [railAccounts.userId, railAccounts.provider],
        set: {
          loginHint: maskLogin(id),
          secret,
          memberNo: session.memberNo,
          memberName: session.name,
          status: 'ok',
          lastError: null,
          updatedAt: new Date(),
        },
      })
      .returning();
    this.accountProviders.set(row.id, { provider: p, ready: Promise.resolve() });
    return this.accountView(row);
  }

  async deleteAccount(user: User, provider: ProviderName) {
    const rows = await this.ctx.tx(async (tx) => {
      const [a] = await tx
        .select()
        .from(railAccounts)
        .where(and(eq(railAccounts.userId, user.id), eq(railAccounts.provider, provider)));
      if (!a) throw notFound(`${PROVIDER_LABEL[provider]} account`);
      await tx
        .update(railWatches)
        .set({ status: 'stopped', failReason: 'account removed', updatedAt: new Date() })
        .where(and(eq(railWatches.accountId, a.id), inArray(railWatches.status, ['waiting', 'trying'])));
      return tx.delete(railAccounts).where(eq(railAccounts.id, a.id)).returning({ id: railAccounts.id });
    });
    for (const r of rows) this.accountProviders.delete(r.id);
  }

  private async accountRow(
    user: User,
    provider: ProviderName,
    path = 'body.provider',
  ): Promise<typeof railAccounts.$inferSelect> {
    const [a] = await this.ctx.database.db
      .select()
      .from(railAccounts)
      .where(and(eq(railAccounts.userId, user.id), eq(railAccounts.provider, provider)));
    if (!a && this.sandbox) {
      // The sandbox operator has a demo member; use it so the demo works without typing a login.
      await this.saveAccount(user, provider, SANDBOX_MEMBER.id, SANDBOX_MEMBER.password);
      return this.accountRow(user, provider, path);
    }
    if (!a)
      throw invalidField(
        path,
        `add your ${PROVIDER_LABEL[provider]} account first (PUT /api/rail/accounts/${provider})`,
      );
    if (a.status !== 'ok')
      throw invalidField(
        path,
        `your ${PROVIDER_LABEL[provider]} account needs attention: ${a.lastError ?? a.status}`,
      );
    return a;
  }

  /** The logged-in adapter of an account (logs in on first use, re-login is the adapter's). */
  async accountProvider(accountId: string): Promise<RailProvider> {
    const cached = this.accountProviders.get(accountId);
    if (cached && !cached.provider.stoppedBy) {
      await cached.ready;
      return cached.provider;
    }
    const [a] = await this.ctx.database.db.select().from(railAccounts).where(eq(railAccounts.id, accountId));
    if (!a) throw new RailError('not-logged-in', 'srt', 'the account was removed');
    const creds = JSON.parse(this.sealer.open(a.secret, `account:${a.userId}:${a.provider}`)) as {
      id: string;
      password: string;
    };
    const provider = this.newProvider(a.provider, a.id);
    const ready = provider.login(creds).then(() => undefined);
    this.accountProviders.set(accountId, { provider, ready });
    try {
      await ready;
    } catch (err) {
      this.accountProviders.delete(accountId);
      throw err;
    }
    return provider;
  }

  // ------------------------------------------------------------------ search and reserve

  async search(q: {
    provider: ProviderName;
    from: string;
    to: string;
    date: string;
    time?: string;
    passengers?: Passengers;
    trainTypes?: TrainGroup[];
  }): Promise<{ from: string; to: string; trains: TrainView[] }> {
    this.checkDate(q.provider, q.date);
    if (q.passengers) this.checkPassengers(q.passengers);
    this.checkTrainTypes(q.provider, q.trainTypes);
    const from = await this.station(q.provider, q.from, 'body.from');
    const to = await this.station(q.provider, q.to, 'body.to');
    if (from.name === to.name) throw invalidField('body.to', 'must differ from body.from');
    try {
      const trains = await this.searcher(q.provider).search({
        from: from.name,
        to: to.name,
        date: q.date,
        time: q.time ?? '000000',
        passengers: q.passengers,
        trainTypes: q.trainTypes,
      });
      const now = Date.now();
      return { from: from.name, to: to.name, trains: trains.map((t) => trainView(t, now)) };
    } catch (err) {
      throw await this.refused(err);
    }
  }

  private async findTrain(
    provider: ProviderName,
    from: string,
    to: string,
    date: string,
    trainNo: string,
    path: string,
  ) {
    let trains: Train[];
    try {
      trains = await this.searcher(provider).search({ from, to, date, time: '000000' });
    } catch (err) {
      throw await this.refused(err);
    }
    const train = trains.find((t) => t.trainNo === trainNo.replace(/^0+/, ''));
    if (!train) throw invalidField(path, `no train ${trainNo} from ${from} to ${to} on ${date}`);
    return train;
  }

  /** Reserves a train that has seats now (the direct path, no watch). */
  async reserve(
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
    },
  ): Promise<ReservationView> {
    this.checkDate(input.provider, input.date);
    this.checkPassengers(input.passengers);
    await this.assertNotPaused(input.provider);
    const account = await this.accountRow(user, input.provider);
    const from = await this.station(input.provider, input.from, 'body.from');
    const to = await this.station(input.provider, input.to, 'body.to');
    const train = await this.findTrain(
      input.provider,
      from.name,
      to.name,
      input.date,
      input.trainNo,
      'body.trainNo',
    );
    if (kstEpoch(train.date, train.departure) <= Date.now())
      throw invalidField('body.trainNo', `train ${train.trainNo} has already left`);
    const policy = input.seatPolicy ?? 'general-first';
    if (classesToTry(train, policy).length === 0)
      throw conflict(`train ${train.trainNo} is sold out for ${policy}: start a watch to wait for a seat`);
    const party = totalPassengers(input.passengers);
    if (classesToTry(train, policy, party).length === 0)
      throw conflict(
        `${shortText({ trainNo: train.trainNo, seatsLeft: seatsLeftFor(train, policy) ?? null }, party)}: start a watch to wait for seats`,
      );
    let r: Reservation;
    try {
      const p = await this.accountProvider(account.id);
      r = await p.reserve(train, {
        passengers: input.passengers,
        seatPolicy: policy,
        seatPosition: input.seatPosition ?? 'any',
      });
    } catch (err) {
      throw await this.refused(err, account.id);
    }
    const row = await this.ctx.tx(async (tx) => {
      const pnrRun = await this.pnrRun(tx, r);
      const [x] = await tx
        .insert(railReservations)
        .values({ ...this.reservationValues(user.id, account.id, null, r), pnrRun })
        .returning();
      return x;
    });
    return reservationView(row);
  }

  private reservationValues(userId: string, accountId: string, watchId: string | null, r: Reservation) {
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
    };
  }

  async reservations(user: User): Promise<ReservationView[]> {
    const rows = await this.ctx.database.db
      .select()
      .from(railReservations)
      .where(eq(railReservations.userId, user.id))
      .orderBy(desc(railReservations.createdAt));
    return rows.map(reservationView);
  }

  async cancelReservation(user: User, id: string): Promise<ReservationView> {
    const [r] = await this.ctx.database.db
      .select()
      .from(railReservations)
      .where(and(eq(railReservations.id, id), eq(railReservations.userId, user.id)));
    if (!r) throw notFound('rail reservation');
    if (r.status !== 'held') throw conflict(`the reservation is ${r.status}`);
    if (!r.accountId)
      throw conflict('the account behind this reservation was removed; cancel it in the operator app');
    try {
      const p = await this.accountProvider(r.accountId);
      await p.cancel(r.pnr);
    } catch (err) {
      throw await this.refused(err, r.accountId);
    }
    const [row] = await this.ctx.database.db
      .update(railReservations)
      .set({ status: 'cancelled', cancelledAt: new Date() })
      .where(eq(railReservations.id, r.id))
      .returning();
    return reservationView(row);
  }

  // ------------------------------------------------------------------ notification settings

  async notifySettings(user: User) {
    const [s] = await this.ctx.database.db
      .select()
      .from(railNotifySettings)
      .where(eq(railNotifySettings.userId, user.id));
    return {
      email: s?.email ?? true,
      discord: !!s?.discordWebhook,
      slack: !!s?.slackWebhook,
      telegram: !!s?.telegramChatId,
      telegramChatId: s?.telegramChatId ?? null,
      telegramAvailable: !!this.config.telegramToken,
    };
  }

  async saveNotifySettings(
    user: User,
    input: {
      email?: boolean;
      discordWebhook?: string | null;
      slackWebhook?: string | null;
      telegramChatId?: string | null;
    },
  ) {
    const seal = (v: string | null | undefined, kind: string) =>
      v ? this.sealer.seal(v, `notify:${user.id}:${kind}`) : v === null ? null : undefined;
    const values = {
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.discordWebhook !== undefined
        ? { discordWebhook: seal(input.discordWebhook, 'discord') }
        : {}),
      ...(input.slackWebhook !== undefined ? { slackWebhook: seal(input.slackWebhook, 'slack') } : {}),
      ...(input.telegramChatId !== undefined ? { telegramChatId: input.telegramChatId } : {}),
      updatedAt: new Date(),
    };
    await this.ctx.database.db
      .insert(railNotifySettings)
      .values({ userId: user.id, ...values })
      .onConflictDoUpdate({ target: railNotifySettings.userId, set: values });
    return this.notifySettings(user);
  }

  /** The user's channels with secrets opened (for the notifier only). */
  async channelsFor(userId: string) {
    const [s] = await this.ctx.database.db
      .select()
      .from(railNotifySettings)
      .where(eq(railNotifySettings.userId, userId));
    const open = (v: string | null | undefined, kind: string) =>
      v ? this.sealer.open(v, `notify:${userId}:${kind}`) : undefined;
    return {
      email: s?.email ?? true,
      discord: open(s?.discordWebhook, 'discord'),
      slack: open(s?.slackWebhook, 'slack'),
      telegram: s?.telegramChatId ?? undefined,
    };
  }

  /** The channels a user set up once: every watch uses them unless it names its own. */
  async defaultChannels(userId: string): Promise<string[]> {
    const c = await this.channelsFor(userId);
    const [k] = await this.ctx.database.db
      .select({ k: railKakaoLinks.botUserKey })
      .from(railKakaoLinks)
      .where(eq(railKakaoLinks.userId, userId));
    return [
      ...(c.email ? ['email'] : []),
      ...(c.discord ? ['discord'] : []),
      ...(c.slack ? ['slack'] : []),
      ...(c.telegram ? ['telegram'] : []),
      ...(k ? ['kakao'] : []),
    ];
  }

  /**
   * Refuses a watch that names a channel the user never set up (it would tell them nothing):
   * a 400 naming `body.notify`. E-mail goes to the account's address, so it is always there.
   */
  async checkNotify(userId: string, notify: string[], path = 'body.notify') {
    const ready = new Set(['email', ...(await this.defaultChannels(userId))]);
    const missing = [...new Set(notify)].filter((c) => !ready.has(c));
    if (!missing.length) return;
    const how: Record<string, string> = {
      discord: 'add a Discord webhook in the notification settings',
      slack: 'add a Slack webhook in the notification settings',
      telegram: this.config.telegramToken
        ? 'add your Telegram chat in the notification settings'
        : 'this server has no Telegram bot',
      kakao: 'link KakaoTalk first (the code on the settings page)',
    };
    throw invalidField(
      path,
      `not set up: ${missing.map((c) => `${c} (${how[c] ?? 'unknown channel'})`).join(', ')}; leave notify out to use the channels you set up`,
    );
  }

  // ------------------------------------------------------------------ watches

  /** Validates a watch against the operator (stations, date, train) before anything is scheduled. */
  private async resolveWatch(input: WatchInput) {
    this.checkDate(input.provider, input.date);
    this.checkPassengers(input.passengers);
    this.checkTrainTypes(input.provider, input.trainTypes);
    const from = await this.station(input.provider, input.from, 'body.from');
    const to = await this.station(input.provider, input.to, 'body.to');
    if (from.name === to.name) throw invalidField('body.to', 'must differ from body.from');
    let timeFrom = input.timeFrom ?? '000000';
    let timeTo = input.timeTo ?? '235959';
    const stopBefore = input.stopBeforeMinutes ?? this.config.stopBeforeMinutes;
    let trainNo: string | null = null;
    if (input.trainNo) {
      const train = await this.findTrain(
        input.provider,
        from.name,
        to.name,
        input.date,
        input.trainNo,
        'body.trainNo',
      );
      if (kstEpoch(train.date, train.departure) - stopBefore * 60_000 <= Date.now())
        throw invalidField(
          'body.trainNo',
          `train ${train.trainNo} has already left (or leaves within ${stopBefore} min)`,
        );
      trainNo = train.trainNo;
      timeFrom = train.departure;
      timeTo = train.departure;
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
    return { from, to, timeFrom, timeTo, trainNo, trainTypes, stopBefore };
  }

  async createWatch(user: User, input: WatchInput): Promise<WatchView> {
    await this.assertNotPaused(input.provider);
    const account = await this.accountRow(user, input.provider);
    const v = await this.resolveWatch(input);
    if (input.notify) await this.checkNotify(user.id, input.notify);
    const notify = input.notify ?? (await this.defaultChannels(user.id));
    const [w] = await this.ctx.tx(async (tx) => {
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
          trainTypes: v.trainTypes,
          passengers: input.passengers as Record<string, number>,
          seatPolicy: input.seatPolicy ?? 'general-first',
          seatPosition: input.seatPosition ?? 'any',
          selection: input.selection ?? 'earliest',
          standby: input.standby ?? false,
          notify,
          deadline: input.deadline ?? null,
          stopBeforeMinutes: v.stopBefore,
        })
        .returning();
      await emit(tx, 'rail.watch_created', { watchId: rows[0].id, userId: user.id });
      return rows;
    });
    await this.schedule(w.searchKey, 0, true);
    return watchView(w);
  }

  async watches(user: User): Promise<WatchView[]> {
    const rows = await this.ctx.database.db
      .select({ w: railWatches, r: railReservations })
      .from(railWatches)
      .leftJoin(railReservations, eq(railReservations.watchId, railWatches.id))
      .where(eq(railWatches.userId, user.id))
      .orderBy(desc(railWatches.createdAt));
    return rows.map((x) => watchView(x.w, x.r));
  }

  async watch(user: User, id: string): Promise<WatchView> {
    const [x] = await this.ctx.database.db
      .select({ w: railWatches, r: railReservations })
      .from(railWatches)
      .leftJoin(railReservations, eq(railReservations.watchId, railWatches.id))
      .where(and(eq(railWatches.id, id), eq(railWatches.userId, user.id)));
    if (!x) throw notFound('watch');
    return watchView(x.w, x.r);
  }

  /** Edits a live watch; the new values count from its next poll. */
  async editWatch(user: User, id: string, patch: WatchPatch): Promise<WatchView> {
    const current = await this.watch(user, id);
    if (current.status !== 'waiting' && current.status !== 'trying')
      throw conflict(`the watch is ${current.status}; start a new one`);
    const merged: WatchInput = {
      provider: current.provider,
      from: current.from,
      to: current.to,
      date: current.date,
      timeFrom:
        patch.timeFrom ?? (patch.trainNo ? undefined : current.trainNo ? undefined : current.timeFrom),
      timeTo: patch.timeTo ?? (patch.trainNo ? undefined : current.trainNo ? undefined : current.timeTo),
      trainNo:
        patch.trainNo !== undefined ? patch.trainNo : patch.timeFrom || patch.timeTo ? null : current.trainNo,
      trainTypes:
        patch.trainTypes !== undefined ? patch.trainTypes : patch.trainNo ? null : current.trainTypes,
      passengers: patch.passengers ?? current.passengers,
      seatPolicy: patch.seatPolicy ?? current.seatPolicy,
      seatPosition: patch.seatPosition ?? current.seatPosition,
      selection: patch.selection ?? current.selection,
      standby: patch.standby ?? current.standby,
      notify: patch.notify ?? current.notify,
      deadline:
        patch.deadline !== undefined ? patch.deadline : current.deadline ? new Date(current.deadline) : null,
      stopBeforeMinutes: patch.stopBeforeMinutes ?? current.stopBeforeMinutes,
    };
    const v = await this.resolveWatch(merged);
    if (patch.notify) await this.checkNotify(user.id, patch.notify);
    const rows = await this.ctx.database.db
      .update(railWatches)
      .set({
        timeFrom: v.timeFrom,
        timeTo: v.timeTo,
        trainNo: v.trainNo,
        trainTypes: v.trainTypes,
        passengers: merged.passengers as Record<string, number>,
        seatPolicy: merged.seatPolicy,
        seatPosition: merged.seatPosition,
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
    await this.schedule(rows[0].searchKey, 0, true);
    return this.watch(user, id);
  }

  async stopWatch(user: User, id: string): Promise<WatchView> {
    const current = await this.watch(user, id);
    if (current.status === 'waiting' || current.status === 'trying') {
      await this.ctx.database.db
        .update(railWatches)
        .set({ status: 'stopped', failReason: 'stopped by you', updatedAt: new Date() })
        .where(and(eq(railWatches.id, id), inArray(railWatches.status, ['waiting', 'trying'])));
    }
    return this.watch(user, id);
  }

  async deleteWatch(user: User, id: string) {
    await this.stopWatch(user, id);
    await this.ctx.database.db
      .delete(railWatches)
      .where(and(eq(railWatches.id, id), eq(railWatches.userId, user.id)));
  }

  // ------------------------------------------------------------------ the engine

  /** Queues the next poll of a search; one pending poll per search key (queue policy "stately"). */
  async schedule(key: string, errors: number, immediate = false, delayMs?: number) {
    if (this.stopping) return;
    const data = { key, errors };
    if (immediate) {
      await this.ctx.jobs.send('rail.poll', data, { singletonKey: key });
      return;
    }
    const backoff = errors > 0 ? Math.min(MAX_BACKOFF_MS, this.config.pollMs * 2 ** Math.min(errors, 10)) : 0;
    const delay = delayMs ?? this.config.pollMs + Math.random() * this.config.jitterMs + backoff;
    await this.ctx.jobs.boss.send('rail.poll', data, {
      singletonKey: key,
      startAfter: new Date(Date.now() + delay),
    });
  }

  /** Makes sure every active search has a poll queued (after a restart or a lost job). */
  async sweep() {
    const keys = await this.ctx.database.db
      .selectDistinct({ key: railWatches.searchKey })
      .from(railWatches)
      .where(inArray(railWatches.status, ['waiting', 'trying']));
    for (const { key } of keys) await this.schedule(key, 0, true);
    return keys.length;
  }

  private async activeWatches(key: string): Promise<WatchRow[]> {
    return this.ctx.database.db
      .select()
      .from(railWatches)
      .where(and(eq(railWatches.searchKey, key), inArray(railWatches.status, ['waiting', 'trying'])))
      .orderBy(asc(railWatches.createdAt), asc(railWatches.id));
  }

  private async finish(w: WatchRow, status: 'failed' | 'stopped', reason: string) {
    await this.ctx.tx(async (tx) => {
      const rows = await tx
        .update(railWatches)
        .set({ status, failReason: reason, reservingSince: null, updatedAt: new Date() })
        .where(and(eq(railWatches.id, w.id), inArray(railWatches.status, ['waiting', 'trying'])))
        .returning({ id: railWatches.id });
      if (rows.length) await emit(tx, 'rail.watch_failed', { watchId: w.id, userId: w.userId, reason });
    });
  }

  /**
   * Records a refusal the user cannot retry away. A block is the operator refusing this server's
   * address: every watch on that operator stops (the user is told why), and no request goes to it
   * from this egress until the pause ends. A wrong password marks the account and stops its watches.
   */
  private async noteRefusal(err: unknown, accountId?: string) {
    if (isRailError(err, 'blocked')) {
      const e = err as RailError;
      const label = PROVIDER_LABEL[e.provider];
      let reason: string;
      if (e.code === PAUSED) reason = e.message;
      else {
        const until = await this.pacing.pause(
          this.egressKey(e.provider),
          this.config.blockPauseMinutes,
          e.operatorMessage ?? e.message,
        );
        reason = `${label} blocked us: ${e.operatorMessage ?? e.message}. Every ${label} watch stopped; yeyak sends nothing to ${label} until ${kstClock(until)} KST. There is no workaround: start the watch again after that.`;
        this.ctx.log.warn({ provider: e.provider, until }, 'rail: operator block, pausing this egress');
      }
      const watches = await this.ctx.database.db
        .select()
        .from(railWatches)
        .where(and(eq(railWatches.provider, e.provider), inArray(railWatches.status, ['waiting', 'trying'])));
      for (const w of watches) await this.finish(w, 'failed', reason);
      return;
    }
    if (!isRailError(err, 'bad-credentials') || !accountId) return;
    const e = err as RailError;
    const reason = `${PROVIDER_LABEL[e.provider]} refused the saved id or password; update the account.`;
    await this.ctx.database.db
      .update(railAccounts)
      .set({ status: 'bad-credentials', lastError: reason, updatedAt: new Date() })
      .where(eq(railAccounts.id, accountId));
    this.accountProviders.delete(accountId);
    const watches = await this.ctx.database.db
      .select()
      .from(railWatches)
      .where(and(eq(railWatches.accountId, accountId), inArray(railWatches.status, ['waiting', 'trying'])));
    for (const w of watches) await this.finish(w, 'failed', reason);
  }

  /** Records the refusal (see noteRefusal) and answers what the user can act on. */
  private async refused(err: unknown, accountId?: string): Promise<Error> {
    await this.noteRefusal(err, accountId);
    return this.operatorError(err);
  }

  /** Refuses new work for an operator while its block pause lasts (nothing is scheduled). */
  async assertNotPaused(provider: ProviderName) {
    const p = await this.pacing.paused(this.egressKey(provider));
    if (p) throw new AppError(503, pausedText(provider, p.reason, p.until));
  }

  /**
   * One poll of a shared search: one search request for every watch on this route and date, then
   * the watches, oldest first, try the trains with seats. Returns what happened (tests, bench).
   */
  async poll(key: string, errors = 0, reschedule = true): Promise<PollOutcome> {
    const outcome: PollOutcome = { searched: false, watches: 0, reserved: [], holdMs: [] };
    let watches = await this.activeWatches(key);
    const now = Date.now();
    for (const w of watches) {
      if (watchEnd(w) <= now)
        await this.finish(
          w,
          'failed',
          w.deadline && w.deadline.getTime() <= now
            ? 'deadline passed without a seat'
            : 'no train left to try before departure',
        );
    }
    watches = watches.filter((w) => watchEnd(w) > now);
    outcome.watches = watches.length;
    if (!watches.length) return outcome;
    const first = watches[0];
    // Admission: a search never queues behind a long line of others. Reserves wait in the same line,
    // so when the egress is full, polls come round less often instead, and a freed seat is still
    // reserved within a couple of slots of the search that saw it.
    const egressMs = 60_000 / this.config.egressPerMinute;
    const backlog = await this.pacing.backlogMs(this.egressKey(first.provider));
    if (backlog > 2 * egressMs) {
      outcome.error = 'egress busy';
      // Back in line once the queue has drained, not a whole interval later: the budget stays used.
      if (reschedule) await this.schedule(key, errors, false, backlog + Math.random() * egressMs * 4);
      return outcome;
    }
    let trains: Train[];
    let searchedAt = 0;
    try {
      const time = watches.reduce((m, w) => (w.timeFrom < m ? w.timeFrom : m), '235959');
      trains = await this.searcher(first.provider).search({
        from: first.fromStation,
        to: first.toStation,
        date: first.date,
        time,
      });
      outcome.searched = true;
      searchedAt = performance.now();
    } catch (err) {
      outcome.error = (err as Error).message;
      // Shutting down: nothing was asked of the operator, and the database may be closing.
      if (this.stopping) return outcome;
      if (isRailError(err, 'blocked')) {
        await this.noteRefusal(err);
        return outcome;
      }
      if (isRailError(err, 'no-such-station') || isRailError(err, 'invalid-request')) {
        for (const w of watches) await this.finish(w, 'failed', (err as Error).message);
        return outcome;
      }
      await this.ctx.database.db
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
      if (reschedule) await this.schedule(key, errors + 1);
      return outcome;
    }

    const soldOutNow = new Set<string>();
    /** Party-size searches of this poll, one per party (SRT gives no seat counts; see partyFit). */
    const partySearches = new Map<string, Promise<Train[] | undefined>>();
    for (const w of watches) {
      if (this.stopping) return outcome;
      if (w.reservingSince) {
        // Another worker is reserving for this watch, or crashed while doing so.
        if (Date.now() - w.reservingSince.getTime() < STALE_CLAIM_MS) continue;
        const adopted = await this.reconcile(w);
        if (adopted) {
          outcome.reserved.push(w.id);
          continue;
        }
      }
      const cutoff = Date.now() + w.stopBeforeMinutes * 60_000;
      const matching = trains.filter(
        (t) =>
          (w.trainNo
            ? t.trainNo === w.trainNo
            : t.departure >= w.timeFrom &&
              t.departure <= w.timeTo &&
              (!w.trainTypes || w.trainTypes.includes(t.group))) && kstEpoch(t.date, t.departure) > cutoff,
      );
      const seen = matching.filter(
        (t) => !soldOutNow.has(t.trainNo) && classesToTry(t, w.seatPolicy as SeatPolicy).length > 0,
      );
      const party = await this.partyFit(w, seen, partySearches);
      let result = matching.length
        ? party.short.length
          ? shortText(party.short[0], totalPassengers(w.passengers as Passengers))
          : `sold out (${matching.length} train${matching.length > 1 ? 's' : ''})`
        : 'no matching train';
      let done = false;
      for (const t of pick(party.fit, w.selection).slice(0, 2)) {
        const r = await this.hold(w, t, false);
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
            party.short.push(refusedShortage(t, party.prior, this.now()));
        }
        result = `lost the seat on ${t.trainNo} (${r})`;
      }
      if (!done && w.standby) {
        const sb = pick(
          matching.filter((t) => t.standby && t.general === 'sold-out'),
          w.selection,
        )[0];
        if (sb) {
          const r = await this.hold(w, sb, true);
          if (r === 'reserved' || r === 'stop') {
            if (r === 'reserved') outcome.reserved.push(w.id);
            done = true;
          }
        }
      }
      if (!done) {
        await this.ctx.database.db
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
    if (reschedule) await this.schedule(key, 0);
    return outcome;
  }

  /**
   * Splits the trains the shared poll saw with seats into those that can seat the watch's whole
   * party and those that cannot (the shared search asks for one seat). Where the operator gives
   * seat counts (Korail) that costs nothing. Where it only says "available" (SRT), one search with
   * the party size settles it; a train found short is not checked again until what the shared
   * search shows for it changes, or its back-off (1 min, doubling to 16) runs out: a second seat
   * freeing up does not change the one-seat answer.
   */
  private async partyFit(
    w: WatchRow,
    trains: Train[],
    partySearches: Map<string, Promise<Train[] | undefined>>,
  ): Promise<{ fit: Train[]; short: SeatShortage[]; prior: SeatShortage[] }> {
    const prior = w.shortage ?? [];
    const size = totalPassengers(w.passengers as Passengers);
    if (size <= 1) return { fit: trains, short: [], prior };
    const policy = w.seatPolicy as SeatPolicy;
    const now = this.now();
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
      answer = this.searcher(w.provider)
        .search({
          from: w.fromStation,
          to: w.toStation,
          date: w.date,
          time: unsure.reduce((m, t) => (t.departure < m ? t.departure : m), '235959'),
          passengers: w.passengers as Passengers,
        })
        .catch(async (err) => {
          this.ctx.log.warn({ err, watchId: w.id }, 'rail: party-size search failed');
          await this.noteRefusal(err);
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

  /**
   * Reserves `train` for `w`, exactly once: a claim on the watch row (reserving_since) keeps two
   * workers from reserving at the same time; the unique index on rail_reservations.watch_id keeps a
   * second hold from being recorded (and that hold is cancelled at the operator at once).
   */
  async hold(
    w: WatchRow,
    train: Train,
    standby: boolean,
  ): Promise<'reserved' | 'sold-out' | 'busy' | 'error' | 'stop'> {
    const claimed = await this.ctx.database.db
      .update(railWatches)
      .set({
        reservingSince: new Date(),
        reservingTrain: train.trainNo,
        status: 'trying',
        updatedAt: new Date(),
      })
      .where(
        and(
          eq(railWatches.id, w.id),
          inArray(railWatches.status, ['waiting', 'trying']),
          or(
            isNull(railWatches.reservingSince),
            lt(railWatches.reservingSince, new Date(Date.now() - STALE_CLAIM_MS)),
          ),
        ),
      )
      .returning({ id: railWatches.id });
    if (!claimed.length) return 'busy';
    let r: Reservation;
    try {
      const p = await this.accountProvider(w.accountId);
      r = standby
        ? await p.requestStandby(train, {
            passengers: w.passengers as Passengers,
            seatPolicy: w.seatPolicy as SeatPolicy,
          })
        : await p.reserve(train, {
            passengers: w.passengers as Passengers,
            seatPolicy: w.seatPolicy as SeatPolicy,
            seatPosition: w.seatPosition as SeatPosition,
          });
    } catch (err) {
      await this.ctx.database.db
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
      if (isRailError(err, 'blocked') || isRailError(err, 'bad-credentials')) {
        await this.noteRefusal(err, w.accountId);
        return 'stop';
      }
      return isRailError(err, 'sold-out') ? 'sold-out' : 'error';
    }
    return (await this.record(w, r)) ? 'reserved' : 'error';
  }

  /** Stores the operator's hold as the watch's one reservation; a second one is cancelled at once. */
  private async record(w: WatchRow, r: Reservation): Promise<boolean> {
    let why: 'duplicate' | 'stopped';
    try {
      await this.ctx.tx(async (tx) => {
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
        const pnrRun = await this.pnrRun(tx, r);
        const [row] = await tx
          .insert(railReservations)
          .values({ ...this.reservationValues(w.userId, w.accountId, w.id, r), pnrRun })
          .returning({ id: railReservations.id });
        await emit(tx, 'rail.reserved', { watchId: w.id, reservationId: row.id, userId: w.userId });
      });
      return true;
    } catch (err) {
      if (err instanceof WatchGone) why = 'stopped';
      else if (sqlState(err) === '23505' && (await this.hasHold(w.id))) why = 'duplicate';
      else throw err;
    }
    // Either the watch has its hold already (another worker won) or it was stopped: give this one back.
    this.ctx.log.warn(
      { watchId: w.id, pnr: r.id, why },
      'hold not wanted by its watch: cancelling it at the operator',
    );
    try {
      await (await this.accountProvider(w.accountId)).cancel(r);
    } catch (e) {
      this.ctx.log.error({ err: e, pnr: r.id }, 'could not cancel an unwanted hold');
    }
    if (why === 'stopped')
      await this.ctx.database.db
        .update(railWatches)
        .set({
          reservingSince: null,
          lastResult: `stopped while reserving: hold ${r.id} cancelled`,
          updatedAt: new Date(),
        })
        .where(eq(railWatches.id, w.id));
    return false;
  }

  private async hasHold(watchId: string): Promise<boolean> {
    const rows = await this.ctx.database.db
      .select({ id: railReservations.id })
      .from(railReservations)
      .where(eq(railReservations.watchId, watchId));
    return rows.length > 0;
  }

  /**
   * The run number to store a new hold under. An operator never gives a number out twice, but a
   * stand-in that restarted without its state does: a stored row with the same number is then a
   * hold of the earlier run, gone at the operator. It is marked expired (cancelling it would now
   * cancel the new hold) and the new one gets the next run number; it is not "another worker won".
   */
  private async pnrRun(tx: Parameters<Parameters<Context['tx']>[0]>[0], r: Reservation): Promise<number> {
    const same = await tx
      .select({ id: railReservations.id, pnrRun: railReservations.pnrRun })
      .from(railReservations)
      .where(and(eq(railReservations.provider, r.provider), eq(railReservations.pnr, r.id)))
      .orderBy(desc(railReservations.pnrRun));
    if (!same.length) return 0;
    this.ctx.log.warn(
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

  /**
   * After a crash between the operator's answer and our commit, the hold exists at the operator
   * but not here. Before trying again, look for it and adopt it instead of making a second one.
   */
  private async reconcile(w: WatchRow): Promise<boolean> {
    try {
      const p = await this.accountProvider(w.accountId);
      const theirs = await p.listReservations();
      const known = new Set(
        (
          await this.ctx.database.db
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
        this.ctx.log.info({ watchId: w.id, pnr: found.id }, 'adopting a hold made before a crash');
        return await this.record(w, found);
      }
      await this.ctx.database.db
        .update(railWatches)
        .set({ reservingSince: null, reservingTrain: null, updatedAt: new Date() })
        .where(eq(railWatches.id, w.id));
      w.reservingSince = null;
      return false;
    } catch (err) {
      this.ctx.log.warn({ err, watchId: w.id }, 'could not check the operator for a lost hold');
      return false;
    }
  }

  /**
   * Follows standby requests (예약대기). The operator turns one into a seat, with a payment
   * deadline, when a seat frees up; or drops it (standby closes two days before departure). One
   * reservation-list request per account with open requests. A granted seat is told to the user at
   * once (the deadline is short); a dropped request sends its watch back to trying for a normal seat
   * while trains remain.
   */
  async followStandby(): Promise<{ accounts: number; granted: string[]; ended: string[] }> {
    const out = { accounts: 0, granted: [] as string[], ended: [] as string[] };
    const open = await this.ctx.database.db
      .select()
      .from(railReservations)
      .where(
        and(
          eq(railReservations.status, 'held'),
          eq(railReservations.standby, true),
          isNotNull(railReservations.accountId),
        ),
      );
    const byAccount = new Map<string, ReservationRow[]>();
    for (const r of open)
      byAccount.set(r.accountId as string, [...(byAccount.get(r.accountId as string) ?? []), r]);
    for (const [accountId, rows] of byAccount) {
      if (this.stopping) break;
      let p: RailProvider;
      let theirs: Reservation[];
      try {
        p = await this.accountProvider(accountId);
        theirs = await p.listReservations();
      } catch (err) {
        await this.noteRefusal(err, accountId);
        this.ctx.log.warn({ err, accountId }, 'rail: could not check standby requests');
        continue;
      }
      out.accounts++;
      for (const r of rows) {
        const t = theirs.find((x) => x.id === r.pnr);
        if (t?.standby) continue;
        if (t) {
          let seats: ReservedSeat[] = [];
          try {
            seats = t.paid ? [] : await p.seats(t.id);
          } catch (err) {
            // The seat numbers are a nicety; the deadline is what the user needs now.
            this.ctx.log.warn({ err, pnr: t.id }, 'rail: could not read the seats of a granted standby');
          }
          if (await this.grantStandby(r, t, seats)) out.granted.push(r.id);
        } else if (await this.endStandby(r)) out.ended.push(r.id);
      }
    }
    return out;
  }

  private async grantStandby(r: ReservationRow, t: Reservation, seats: ReservedSeat[]): Promise<boolean> {
    return this.ctx.tx(async (tx) => {
      const rows = await tx
        .update(railReservations)
        .set({
          standby: false,
          status: t.paid ? 'paid' : 'held',
          paymentDeadline: t.paymentDeadline ? new Date(t.paymentDeadline) : null,
          seats: seats.map((s) => ({ car: s.car, seat: s.seat, seatClass: s.seatClass, price: s.price })),
          seatClass: seats[0]?.seatClass ?? t.seatClass ?? r.seatClass,
          seatCount: t.seatCount || r.seatCount,
          totalPrice: t.totalPrice || r.totalPrice,
        })
        .where(openStandby(r.id))
        .returning({ id: railReservations.id });
      if (!rows.length) return false;
      await emit(tx, 'rail.standby_granted', { watchId: r.watchId, reservationId: r.id, userId: r.userId });
      return true;
    });
  }

  private async endStandby(r: ReservationRow): Promise<boolean> {
    const w = r.watchId ? await this.watchRow(r.watchId) : undefined;
    const resume = !!w && w.status === 'reserved' && watchEnd(w) > Date.now();
    const done = await this.ctx.tx(async (tx) => {
      const rows = await tx
        .update(railReservations)
        .set({ status: 'expired', cancelledAt: new Date(), ...(resume ? { watchId: null } : {}) })
        .where(openStandby(r.id))
        .returning({ id: railReservations.id });
      if (!rows.length) return false;
      if (resume && w)
        await tx
          .update(railWatches)
          .set({
            status: 'trying',
            standby: false,
            lastResult: `standby ${r.pnr} ended without a seat; trying for a seat again`,
            updatedAt: new Date(),
          })
          .where(and(eq(railWatches.id, w.id), eq(railWatches.status, 'reserved')));
      await emit(tx, 'rail.standby_ended', {
        watchId: r.watchId,
        reservationId: r.id,
        userId: r.userId,
        resumed: resume,
      });
      return true;
    });
    if (done && resume && w) await this.schedule(w.searchKey, 0, true);
    return done;
  }

  async watchRow(id: string) {
    const [w] = await this.ctx.database.db.select().from(railWatches).where(eq(railWatches.id, id));
    return w;
  }

  async reservationRow(id: string) {
    const [r] = await this.ctx.database.db.select().from(railReservations).where(eq(railReservations.id, id));
    return r;
  }
}

export { kstIso };
