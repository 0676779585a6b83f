/**
 * The operator's state behind both wire formats: seat inventory, holds, standby lists, sessions,
 * NetFunnel keys, request counting and IP blocks. Everything random is seeded.
 */
import { randomBytes } from 'node:crypto';
import {
  buildTimetable,
  DISCOUNT,
  fare,
  hash,
  type Operator,
  type PaxType,
  rng,
  type ScheduledTrain,
  type TimetableStop,
} from './data.ts';

export type SimUser = { memberNo: string; email: string; phone: string; password: string; name: string };

export type RailSimOptions = {
  port?: number;
  host?: string;
  seed?: number;
  users?: SimUser[];
  /** Requests per `blockWindowMs` from one address above which it is blocked (default 100 per minute). */
  blockThreshold?: number;
  blockWindowMs?: number;
  /** How long a block lasts (default 10 min). */
  blockMs?: number;
  /** Idle time after which a login session expires (default 30 min). */
  sessionIdleMs?: number;
  /** Unpaid hold lifetime (default 10 min; 5 min within 20 min of departure). */
  holdMinutes?: number;
  /** Seats per minute freed by cancellations on each sold-out class of a train (default 0). */
  cancellationRate?: number;
  /** NetFunnel: polls (5002) a fresh ticket must wait before it passes (default 0). */
  netfunnelWaitPolls?: number;
  /** How long a NetFunnel key is accepted by the SRT API (default 50 s). */
  netfunnelKeyTtlMs?: number;
  /** NetFunnel nodes besides the main host that hold Korail tickets, each on its own port (default 2). */
  netfunnelNodes?: number;
  /** Standby closes this many days before departure (default 2). */
  standbyCloseDays?: number;
  /** People allowed on one train's standby list (default 20). */
  standbyLimit?: number;
  /**
   * Korail: refuse logins that lack the app's anti-macro header, as today's Korail does (default
   * true; tests and demos that need a Korail login turn it off).
   */
  korailMacroCheck?: boolean;
  /** Korail: lowest accepted `Version` (default 240531001). */
  korailMinVersion?: string;
  /** Milliseconds added to the real clock at start. */
  clockOffsetMs?: number;
  /**
   * A JSON file the state (reservation counter, seats, holds, standby lists) is kept in, so a
   * restart continues where it stopped instead of numbering reservations from 1 again.
   */
  stateFile?: string;
};

export const DEFAULT_USERS: SimUser[] = [
  {
    memberNo: '1234567890',
    email: 'sim@yeyak.local',
    phone: '010-1234-5678',
    password: 'sim-password',
    name: '홍길동',
  },
  {
    memberNo: '2345678901',
    email: 'sim2@yeyak.local',
    phone: '010-2345-6789',
    password: 'sim-password-2',
    name: '김철수',
  },
];

const KST = 9 * 3_600_000;
export const kstDate = (ms: number) => new Date(ms + KST).toISOString().slice(0, 10).replaceAll('-', '');
export const kstTime = (ms: number) => new Date(ms + KST).toISOString().slice(11, 19).replaceAll(':', '');
/** Epoch ms of YYYYMMDD + minutes after midnight, KST. */
export const kstEpoch = (date: string, minutes: number) =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8))) -
  KST +
  minutes * 60_000;
export const hhmmss = (minutes: number) => {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}${String(m % 60).padStart(2, '0')}00`;
};
/** Days ahead each operator sells (the day D+N opens at 07:00 KST). */
export const BOOKING_DAYS: Record<Operator, number> = { srt: 30, korail: 31 };
export const addDays = (date: string, days: number) => kstDate(kstEpoch(date, 0) + days * 86_400_000);

export type SeatClass = 'general' | 'special';
type ClassInv = {
  capacity: number;
  /** 0 free, 1 sold to the public, 2 held or sold through the sim. */
  seats: Uint8Array;
  releaseCarry: number;
};
type Inventory = { general: ClassInv; special: ClassInv; lastTick: number };

export type Pax = Partial<Record<PaxType, number>>;

/** `standard`: the class's adult fare; `price`: what this passenger pays after the discount. */
export type SimSeat = {
  idx: number;
  car: string;
  seat: string;
  cls: SeatClass;
  pax: PaxType;
  standard: number;
  price: number;
};

export type SimReservation = {
  pnr: string;
  operator: Operator;
  memberNo: string;
  train: ScheduledTrain;
  runDt: string;
  dep: TimetableStop;
  arr: TimetableStop;
  cls: SeatClass;
  /** Standby: accept the other class too. */
  acceptOtherClass: boolean;
  pax: Pax;
  seats: SimSeat[];
  amount: number;
  status: 'held' | 'paid' | 'standby' | 'cancelled';
  deadline?: number;
  createdAt: number;
};

export type SegmentView = {
  train: ScheduledTrain;
  runDt: string;
  dep: TimetableStop;
  arr: TimetableStop;
  general: { exists: boolean; free: number };
  special: { exists: boolean; free: number };
  standby: 'open' | 'full' | 'closed' | 'none';
  standbyCount: number;
  fare: number;
  specialFare: number;
};

const SEAT_LETTERS = { general: 'ABCD', special: 'ABC' } as const;
const PER_CAR = { general: 60, special: 30 } as const;

export class RailWorld {
  readonly timetable: ScheduledTrain[];
  readonly users: SimUser[];
  private readonly inventories = new Map<string, Inventory>();
  readonly reservations = new Map<string, SimReservation>();
  private readonly standby = new Map<string, string[]>();
  private readonly sessions = new Map<string, { operator: Operator; memberNo: string; lastSeen: number }>();
  private readonly hits = new Map<string, number[]>();
  private readonly blocked = new Map<string, number>();
  private readonly blockedOperators = new Set<string>();
  private readonly random: () => number;
  /** The last reservation number given out (a restart without saved state starts again at 0). */
  pnrSeq = 0;
  offset: number;
  o: Required<Omit<RailSimOptions, 'port' | 'host' | 'users' | 'clockOffsetMs' | 'stateFile'>>;
  /** Next reserve attempts that lose the race for the last seat (`잔여석없음`). */
  racesPending = 0;
  /** Korail login encryption keys handed out by common.code.do, by idx. */
  readonly loginKeys = new Map<string, string>();
  readonly counts = {
    total: 0,
    byPath: {} as Record<string, number>,
    blockedAnswers: 0,
    /** Search requests (pages) by the party size they asked seats for. */
    searchesByParty: {} as Record<number, number>,
  };

  /** Counts one search page asking for `party` seats. */
  countSearch(party: number): void {
    this.counts.searchesByParty[party] = (this.counts.searchesByParty[party] ?? 0) + 1;
  }

  constructor(options: RailSimOptions = {}) {
    this.o = {
      seed: options.seed ?? 20260301,
      blockThreshold: options.blockThreshold ?? 100,
      blockWindowMs: options.blockWindowMs ?? 60_000,
      blockMs: options.blockMs ?? 600_000,
      sessionIdleMs: options.sessionIdleMs ?? 1_800_000,
      holdMinutes: options.holdMinutes ?? 10,
      cancellationRate: options.cancellationRate ?? 0,
      netfunnelWaitPolls: options.netfunnelWaitPolls ?? 0,
      netfunnelKeyTtlMs: options.netfunnelKeyTtlMs ?? 50_000,
      netfunnelNodes: options.netfunnelNodes ?? 2,
      standbyCloseDays: options.standbyCloseDays ?? 2,
      standbyLimit: options.standbyLimit ?? 20,
      korailMacroCheck: options.korailMacroCheck ?? true,
      korailMinVersion: options.korailMinVersion ?? '240531001',
    };
    this.users = options.users ?? DEFAULT_USERS;
    this.offset = options.clockOffsetMs ?? 0;
    this.timetable = buildTimetable(this.o.seed);
    this.random = rng(hash(this.o.seed, 'world'));
  }

  now(): number {
    return Date.now() + this.offset;
  }

  // ---------- rate limiting ----------

  /** Counts a request from `addr`; true when the address is (now) blocked. */
  hit(addr: string, path: string): boolean {
    this.counts.total++;
    this.counts.byPath[path] = (this.counts.byPath[path] ?? 0) + 1;
    const now = this.now();
    const until = this.blocked.get(addr);
    if ((until !== undefined && until > now) || this.blockedOperators.has(addr.split(' ')[0])) {
      this.counts.blockedAnswers++;
      return true;
    }
    const list = (this.hits.get(addr) ?? []).filter((t) => t > now - this.o.blockWindowMs);
    list.push(now);
    this.hits.set(addr, list);
    if (list.length > this.o.blockThreshold) {
      this.blocked.set(addr, now + this.o.blockMs);
      this.counts.blockedAnswers++;
      return true;
    }
    return false;
  }

  unblock(): void {
    this.blocked.clear();
    this.hits.clear();
    this.blockedOperators.clear();
  }

  /** Blocks every address at one operator until `unblock` (the other operator keeps answering). */
  blockOperator(operator: Operator): void {
    this.blockedOperators.add(operator);
  }

  isBlocked(addr: string): boolean {
    return (this.blocked.get(addr) ?? 0) > this.now();
  }

  // ---------- sessions ----------

  findUser(kind: 'membership' | 'email' | 'phone', id: string): SimUser | undefined {
    const digits = (s: string) => s.replaceAll('-', '');
    return this.users.find((u) =>
      kind === 'membership'
        ? u.memberNo === id
        : kind === 'email'
          ? u.email === id
          : digits(u.phone) === digits(id),
    );
  }

  openSession(operator: Operator, memberNo: string): string {
    const id = `${operator.toUpperCase()}${randomBytes(12).toString('hex')}`;
    this.sessions.set(id, { operator, memberNo, lastSeen: this.now() });
    return id;
  }

  session(operator: Operator, id: string | undefined): SimUser | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s || s.operator !== operator) return undefined;
    if (this.now() - s.lastSeen > this.o.sessionIdleMs) {
      this.sessions.delete(id);
      return undefined;
    }
    s.lastSeen = this.now();
    return this.users.find((u) => u.memberNo === s.memberNo);
  }

  closeSession(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  expireSessions(): void {
    this.sessions.clear();
  }

  // ---------- inventory ----------

  private inventory(train: ScheduledTrain, runDt: string): Inventory {
    const key = `${train.operator}|${runDt}|${train.trainNo}`;
    let inv = this.inventories.get(key);
    if (!inv) {
      const dep = train.stops[0].dep;
      const peak = (dep >= 420 && dep <= 540) || (dep >= 1020 && dep <= 1140);
      const make = (cls: SeatClass, capacity: number): ClassInv => {
        // Seeded by train and class only, so a train behaves the same whatever the date.
        const r = rng(hash(this.o.seed, train.operator, train.trainNo, cls));
        const seats = new Uint8Array(capacity);
        const soldOut = r() < (cls === 'general' ? (peak ? 0.4 : 0.18) : peak ? 0.45 : 0.25);
        const share = soldOut ? 1 : 0.25 + r() * 0.6;
        for (let i = 0; i < capacity; i++) seats[i] = r() < share ? 1 : 0;
        return { capacity, seats, releaseCarry: 0 };
      };
      inv = {
        general: make('general', train.kind.generalSeats),
        special: make('special', train.kind.specialSeats),
        lastTick: this.now(),
      };
      this.inventories.set(key, inv);
    }
    this.tickInventory(train, runDt, inv);
    return inv;
  }

  private free(c: ClassInv): number {
    let n = 0;
    for (const s of c.seats) if (s === 0) n++;
    return n;
  }

  /** Cancellations by the public: sold seats come back at `cancellationRate` per minute per sold-out class. */
  private tickInventory(train: ScheduledTrain, runDt: string, inv: Inventory): void {
    const now = this.now();
    const elapsed = now - inv.lastTick;
    inv.lastTick = now;
    if (this.o.cancellationRate <= 0 || elapsed <= 0) return;
    for (const cls of ['general', 'special'] as const) {
      const c = inv[cls];
      if (!c.capacity || this.free(c) > 0) continue;
      c.releaseCarry += (this.o.cancellationRate * elapsed) / 60_000;
      const n = Math.floor(c.releaseCarry);
      if (n > 0) {
        c.releaseCarry -= n;
        this.releasePublic(train, runDt, inv, cls, n);
      }
    }
  }

  private releasePublic(
    train: ScheduledTrain,
    runDt: string,
    inv: Inventory,
    cls: SeatClass,
    n: number,
  ): number {
    const c = inv[cls];
    const sold: number[] = [];
    c.seats.forEach((s, i) => {
      if (s === 1) sold.push(i);
    });
    let released = 0;
    for (; released < n && sold.length; released++) {
      const pick = sold.splice(Math.floor(this.random() * sold.length), 1)[0];
      c.seats[pick] = 0;
    }
    this.serveStandby(train, runDt, inv);
    return released;
  }

  /** Standby requests get freed seats before anyone else, in the order they came. */
  private serveStandby(train: ScheduledTrain, runDt: string, inv: Inventory): void {
    const key = `${train.operator}|${runDt}|${train.trainNo}`;
    const queue = this.standby.get(key) ?? [];
    for (const pnr of [...queue]) {
      const r = this.reservations.get(pnr);
      if (r?.status !== 'standby') {
        queue.splice(queue.indexOf(pnr), 1);
        continue;
      }
      const count = paxCount(r.pax);
      const classes: SeatClass[] = r.acceptOtherClass
        ? [r.cls, r.cls === 'general' ? 'special' : 'general']
        : [r.cls];
      const cls = classes.find((k) => inv[k].capacity && this.free(inv[k]) >= count);
      if (!cls) continue;
      r.cls = cls;
      r.seats = this.allocate(r.train, inv, cls, r.pax, 'any', r.dep, r.arr);
      r.amount = r.seats.reduce((s, x) => s + x.price, 0);
      r.status = 'held';
      r.deadline = this.deadlineFor(r.runDt, r.dep);
      queue.splice(queue.indexOf(pnr), 1);
    }
    this.standby.set(key, queue);
  }

  private allocate(
    train: ScheduledTrain,
    inv: Inventory,
    cls: SeatClass,
    pax: Pax,
    position: 'any' | 'window' | 'aisle',
    dep: TimetableStop,
    arr: TimetableStop,
  ): SimSeat[] {
    const c = inv[cls];
    const letters = SEAT_LETTERS[cls];
    const isWindow = (i: number) => {
      const l = letters[i % letters.length];
      return l === 'A' || l === letters[letters.length - 1];
    };
    const free: number[] = [];
    c.seats.forEach((s, i) => {
      if (s === 0) free.push(i);
    });
    const preferred =
      position === 'any' ? free : free.filter((i) => (position === 'window' ? isWindow(i) : !isWindow(i)));
    const order = [...preferred, ...free.filter((i) => !preferred.includes(i))];
    const specialCars = Math.ceil(train.kind.specialSeats / PER_CAR.special);
    const km = Math.abs(arr.km - dep.km);
    const out: SimSeat[] = [];
    const types: PaxType[] = ['adult', 'child', 'senior', 'disability1to3', 'disability4to6', 'toddler'];
    let k = 0;
    for (const t of types) {
      for (let n = 0; n < (pax[t] ?? 0); n++) {
        const idx = order[k++];
        c.seats[idx] = 2;
        const perCar = PER_CAR[cls];
        const car =
          cls === 'special' ? 1 + Math.floor(idx / perCar) : specialCars + 1 + Math.floor(idx / perCar);
        const inCar = idx % perCar;
        const seat = `${Math.floor(inCar / letters.length) + 1}${letters[inCar % letters.length]}`;
        const base = fare(train.kind, km, cls === 'special');
        out.push({
          idx,
          car: String(car),
          seat,
          cls,
          pax: t,
          standard: base,
          price: Math.round((base * (1 - DISCOUNT[t])) / 100) * 100,
        });
      }
    }
    return out;
  }

  private deadlineFor(runDt: string, dep: TimetableStop): number {
    const now = this.now();
    const departure = kstEpoch(runDt, dep.dep);
    const minutes = departure - now < 20 * 60_000 ? Math.min(5, this.o.holdMinutes) : this.o.holdMinutes;
    return Math.min(now + minutes * 60_000, departure);
  }

  /** Expires unpaid holds whose deadline passed; their seats go to standby first, then to everyone. */
  tick(): void {
    const now = this.now();
    for (const r of this.reservations.values()) {
      if (r.status === 'held' && r.deadline !== undefined && r.deadline <= now) this.release(r);
    }
  }

  private release(r: SimReservation): void {
    const inv = this.inventory(r.train, r.runDt);
    for (const s of r.seats) inv[s.cls].seats[s.idx] = 0;
    r.status = 'cancelled';
    this.serveStandby(r.train, r.runDt, inv);
  }

  // ---------- queries used by both wire formats ----------

  /** Trains of `operator` from `depCode` to `arvCode` on `date`, departing at or after `time` (HHmmss). */
  search(
    operator: Operator,
    depCode: string,
    arvCode: string,
    date: string,
    time: string,
    groups?: string[],
  ) {
    const from =
      Number(time.slice(0, 2)) * 60 + Number(time.slice(2, 4)) + (Number(time.slice(4, 6)) > 0 ? 1 : 0);
    const out: SegmentView[] = [];
    for (const train of this.timetable) {
      if (train.operator !== operator) continue;
      if (groups && !groups.includes(train.kind.gpCd)) continue;
      const dep = train.stops.find((s) => s.code === depCode);
      const arr = train.stops.find((s) => s.code === arvCode);
      if (!dep || !arr || arr.order <= dep.order || dep.dep < from || dep.dep >= 1440) continue;
      // A train that has left is no longer sold (nor shown).
      if (kstEpoch(date, dep.dep) <= this.now()) continue;
      out.push(this.view(train, date, dep, arr));
    }
    return out.sort((a, b) => a.dep.dep - b.dep.dep || a.train.trainNo - b.train.trainNo);
  }

  /**
   * Whether `date` is on sale now: not before today (KST), and not past the booking window, which
   * opens a new day each morning at 07:00 KST (SRT D-30, Korail D-31, as public tools encode it).
   */
  onSale(operator: Operator, date: string): 'past' | 'not-yet' | undefined {
    const now = this.now();
    const today = kstDate(now);
    if (date < today) return 'past';
    const opened = kstTime(now) >= '070000' ? 0 : 1;
    if (date > addDays(today, BOOKING_DAYS[operator] - opened)) return 'not-yet';
    return undefined;
  }

  view(train: ScheduledTrain, runDt: string, dep: TimetableStop, arr: TimetableStop): SegmentView {
    const inv = this.inventory(train, runDt);
    const key = `${train.operator}|${runDt}|${train.trainNo}`;
    const queue = (this.standby.get(key) ?? []).filter((p) => this.reservations.get(p)?.status === 'standby');
    const general = { exists: inv.general.capacity > 0, free: this.free(inv.general) };
    const special = { exists: inv.special.capacity > 0, free: this.free(inv.special) };
    const daysAhead = Math.round((kstEpoch(runDt, 0) - kstEpoch(kstDate(this.now()), 0)) / 86_400_000);
    const standby =
      general.free > 0
        ? 'none'
        : daysAhead < this.o.standbyCloseDays
          ? 'closed'
          : queue.length >= this.o.standbyLimit
            ? 'full'
            : 'open';
    const km = Math.abs(arr.km - dep.km);
    return {
      train,
      runDt,
      dep,
      arr,
      general,
      special,
      standby,
      standbyCount: queue.length,
      fare: fare(train.kind, km, false),
      specialFare: fare(train.kind, km, true),
    };
  }

  findTrain(operator: Operator, trainNo: number, depCode: string, arvCode: string) {
    const train = this.timetable.find((t) => t.operator === operator && t.trainNo === trainNo);
    const dep = train?.stops.find((s) => s.code === depCode);
    const arr = train?.stops.find((s) => s.code === arvCode);
    if (!train || !dep || !arr || arr.order <= dep.order) return undefined;
    return { train, dep, arr };
  }

  private nextPnr(operator: Operator): string {
    this.pnrSeq++;
    const d = kstDate(this.now());
    return operator === 'srt'
      ? `3${d}${String(this.pnrSeq).padStart(6, '0')}`
      : `8${d.slice(2)}${String(this.pnrSeq).padStart(7, '0')}`;
  }

  /** Holds seats. Returns an error word instead when it cannot. */
  reserve(
    operator: Operator,
    user: SimUser,
    t: { train: ScheduledTrain; dep: TimetableStop; arr: TimetableStop },
    runDt: string,
    cls: SeatClass,
    pax: Pax,
    position: 'any' | 'window' | 'aisle',
  ): SimReservation | 'no-class' | 'no-seat' | 'departed' {
    const inv = this.inventory(t.train, runDt);
    if (!inv[cls].capacity) return 'no-class';
    if (kstEpoch(runDt, t.dep.dep) <= this.now()) return 'departed';
    if (this.racesPending > 0) {
      this.racesPending--;
      return 'no-seat';
    }
    if (this.free(inv[cls]) < paxCount(pax)) return 'no-seat';
    const seats = this.allocate(t.train, inv, cls, pax, position, t.dep, t.arr);
    const r: SimReservation = {
      pnr: this.nextPnr(operator),
      operator,
      memberNo: user.memberNo,
      train: t.train,
      runDt,
      dep: t.dep,
      arr: t.arr,
      cls,
      acceptOtherClass: false,
      pax,
      seats,
      amount: seats.reduce((s, x) => s + x.price, 0),
      status: 'held',
      deadline: this.deadlineFor(runDt, t.dep),
      createdAt: this.now(),
    };
    this.reservations.set(r.pnr, r);
    return r;
  }

  requestStandby(
    operator: Operator,
    user: SimUser,
    t: { train: ScheduledTrain; dep: TimetableStop; arr: TimetableStop },
    runDt: string,
    cls: SeatClass,
    pax: Pax,
  ): SimReservation | 'not-open' | 'full' | 'closed' {
    const v = this.view(t.train, runDt, t.dep, t.arr);
    if (v.standby === 'none') return 'not-open';
    if (v.standby === 'closed') return 'closed';
    if (v.standby === 'full') return 'full';
    const km = Math.abs(t.arr.km - t.dep.km);
    const r: SimReservation = {
      pnr: this.nextPnr(operator),
      operator,
      memberNo: user.memberNo,
      train: t.train,
      runDt,
      dep: t.dep,
      arr: t.arr,
      cls,
      acceptOtherClass: false,
      pax,
      seats: [],
      amount: Object.entries(pax).reduce(
        (s, [k, n]) =>
          s +
          (n ?? 0) *
            Math.round((fare(t.train.kind, km, cls === 'special') * (1 - DISCOUNT[k as PaxType])) / 100) *
            100,
        0,
      ),
      status: 'standby',
      createdAt: this.now(),
    };
    this.reservations.set(r.pnr, r);
    const key = `${operator}|${runDt}|${t.train.trainNo}`;
    this.standby.set(key, [...(this.standby.get(key) ?? []), r.pnr]);
    return r;
  }

  listFor(operator: Operator, memberNo: string): SimReservation[] {
    this.tick();
    return [...this.reservations.values()].filter(
      (r) => r.operator === operator && r.memberNo === memberNo && r.status !== 'cancelled',
    );
  }

  cancel(operator: Operator, memberNo: string, pnr: string): 'ok' | 'unknown' | 'already' | 'paid' {
    const r = this.reservations.get(pnr);
    if (!r || r.operator !== operator || r.memberNo !== memberNo) return 'unknown';
    if (r.status === 'cancelled') return 'already';
    if (r.status === 'paid') return 'paid';
    if (r.status === 'standby') r.status = 'cancelled';
    else this.release(r);
    return 'ok';
  }

  // ---------- saved state ----------

  /** What a restart must not forget: the reservation counter, seats, holds and standby lists. */
  snapshot(): WorldState {
    const inv = (c: ClassInv) => ({
      capacity: c.capacity,
      seats: Buffer.from(c.seats).toString('base64'),
      releaseCarry: c.releaseCarry,
    });
    return {
      version: 1,
      pnrSeq: this.pnrSeq,
      inventories: [...this.inventories].map(([key, v]) => ({
        key,
        general: inv(v.general),
        special: inv(v.special),
        lastTick: v.lastTick,
      })),
      reservations: [...this.reservations.values()].map((r) => ({
        ...r,
        train: r.train.trainNo,
        dep: r.dep.code,
        arr: r.arr.code,
      })),
      standby: [...this.standby],
    };
  }

  restore(state: WorldState): void {
    if (state.version !== 1) return;
    this.pnrSeq = state.pnrSeq;
    const inv = (c: WorldState['inventories'][number]['general']): ClassInv => ({
      capacity: c.capacity,
      seats: new Uint8Array(Buffer.from(c.seats, 'base64')),
      releaseCarry: c.releaseCarry,
    });
    for (const v of state.inventories)
      this.inventories.set(v.key, { general: inv(v.general), special: inv(v.special), lastTick: v.lastTick });
    for (const r of state.reservations) {
      const train = this.timetable.find((t) => t.operator === r.operator && t.trainNo === r.train);
      const dep = train?.stops.find((x) => x.code === r.dep);
      const arr = train?.stops.find((x) => x.code === r.arr);
      if (train && dep && arr) this.reservations.set(r.pnr, { ...r, train, dep, arr });
    }
    for (const [key, pnrs] of state.standby) this.standby.set(key, pnrs);
  }

  // ---------- controls ----------

  private trainFor(operator: Operator, trainNo: number): ScheduledTrain {
    const t = this.timetable.find((x) => x.operator === operator && x.trainNo === trainNo);
    if (!t) throw new Error(`no ${operator} train ${trainNo}`);
    return t;
  }

  /** Makes a class (or both) of a train sold out on a date. */
  seedSoldOut(operator: Operator, date: string, trainNo: number, cls?: SeatClass): void {
    const inv = this.inventory(this.trainFor(operator, trainNo), date);
    for (const k of cls ? [cls] : (['general', 'special'] as const))
      inv[k].seats.forEach((s, i) => {
        if (s === 0) inv[k].seats[i] = 1;
      });
  }

  /** Frees `n` seats sold to the public, as cancellations would (standby first). */
  releaseSeats(operator: Operator, date: string, trainNo: number, cls: SeatClass, n: number): number {
    const train = this.trainFor(operator, trainNo);
    return this.releasePublic(train, date, this.inventory(train, date), cls, n);
  }

  /** Marks a held reservation paid (the sim has no payment endpoint). */
  pay(pnr: string): boolean {
    const r = this.reservations.get(pnr);
    if (r?.status !== 'held') return false;
    r.status = 'paid';
    r.deadline = undefined;
    return true;
  }
}

export type WorldState = {
  version: 1;
  pnrSeq: number;
  inventories: {
    key: string;
    general: { capacity: number; seats: string; releaseCarry: number };
    special: { capacity: number; seats: string; releaseCarry: number };
    lastTick: number;
  }[];
  reservations: (Omit<SimReservation, 'train' | 'dep' | 'arr'> & {
    train: number;
    dep: string;
    arr: string;
  })[];
  standby: [string, string[]][];
};

export function paxCount(p: Pax): number {
  return Object.values(p).reduce((s, n) => s + (n ?? 0), 0);
}
