/**
 * The contract every rail provider (SRT, Korail) implements, and the typed errors they throw.
 * Wire formats live in the adapters; nothing here knows a form field name.
 */
import { UpstreamError, type UpstreamReason } from '../../../platform/net/http.ts';

export type ProviderName = 'srt' | 'korail';

/** Passenger counts per type. Omitted types count as 0. At most 9 in total. */
export type Passengers = {
  adult?: number;
  child?: number;
  senior?: number;
  /** 장애 1~3급 (severe). */
  disability1to3?: number;
  /** 장애 4~6급 (mild). */
  disability4to6?: number;
  /** 동반유아 (a toddler with a seat of their own, at a discount): Korail only; SRT sells no such ticket. */
  toddler?: number;
};
export type PassengerType = keyof Passengers;
export const PASSENGER_TYPES: readonly PassengerType[] = [
  'adult',
  'child',
  'senior',
  'disability1to3',
  'disability4to6',
  'toddler',
];

export type SeatClass = 'general' | 'special';
export type SeatPolicy = 'general-only' | 'special-only' | 'general-first' | 'special-first';
export type SeatPosition = 'any' | 'window' | 'aisle';
/** Which way the seat faces; Korail takes it (순방향 009 / 역방향 010), SRT does not. */
export type SeatDirection = 'any' | 'forward' | 'backward';

/** Coarse train families used for filtering. */
export const TRAIN_GROUPS = ['KTX', 'SRT', 'ITX', 'saemaeul', 'mugunghwa', 'other'] as const;
export type TrainGroup = (typeof TRAIN_GROUPS)[number];

/** `available`: seats can be reserved now; `sold-out`: none left; `absent`: the train has no such class. */
type ClassAvailability = 'available' | 'sold-out' | 'absent';

export type Station = {
  name: string;
  /** 4-digit operator station code, when known. */
  code?: string;
  aliases?: string[];
};

export type Train = {
  provider: ProviderName;
  /** Train number without zero padding, e.g. "305". */
  trainNo: string;
  /** The operator's label, e.g. "SRT", "KTX", "KTX-산천", "ITX-새마을", "무궁화호". */
  type: string;
  group: TrainGroup;
  /** Departure date YYYYMMDD (KST). */
  date: string;
  from: Station;
  to: Station;
  /** HHmmss (KST). */
  departure: string;
  arrival: string;
  arrivalDate: string;
  general: ClassAvailability;
  special: ClassAvailability;
  /** Whether the operator offers standby (예약대기) on this train now. */
  standby: boolean;
  /** Adult general fare in KRW, when the search answer carries it. */
  price?: number;
  /**
   * Seats left per class, where the operator's answer carries the number (Korail). SRT only says
   * "available" for the party size searched, so it has none.
   */
  seatsLeft?: Partial<Record<SeatClass, number>>;
  /** The operator's row as received; the adapter needs it to reserve. */
  raw: Record<string, string>;
};

export type SearchQuery = {
  /** Station names as people write them ("서울", "수서", "부산"). */
  from: string;
  to: string;
  /** YYYYMMDD (KST). */
  date: string;
  /** HHmmss (KST); trains departing at or after it. Default "000000". */
  time?: string;
  /**
   * HHmmss (KST); no further page is asked for once a page reaches past it (a watch's window
   * ends there). Default: every page to the end of the day.
   */
  until?: string;
  /** Stop paging once this train number is among the rows (a lookup of one train). */
  stopAt?: string;
  passengers?: Passengers;
  /** Keep only these families. Default: every family the provider sells. */
  trainTypes?: TrainGroup[];
};

export type ReserveOptions = {
  passengers: Passengers;
  seatPolicy?: SeatPolicy;
  seatPosition?: SeatPosition;
  seatDirection?: SeatDirection;
};

export type StandbyOptions = {
  passengers: Passengers;
  /** general-only / special-only, or *-first to also accept the other class when a seat frees up. */
  seatPolicy?: SeatPolicy;
  /** Phone number for the operator's SMS when the standby turns into a seat. */
  phone?: string;
  sms?: boolean;
};

export type ReservedSeat = {
  car: string;
  seat: string;
  seatClass: SeatClass;
  passengerType?: string;
  /** What this passenger pays (after the discount). */
  price?: number;
  /** The seat's standard fare before the discount, and the discount, where the operator says. */
  standardPrice?: number;
  discount?: number;
};

export type Reservation = {
  provider: ProviderName;
  /** The operator's reservation (PNR) number. */
  id: string;
  trainNo: string;
  type: string;
  date: string;
  from: Station;
  to: Station;
  departure: string;
  arrival: string;
  seatClass?: SeatClass;
  seatCount: number;
  seats: ReservedSeat[];
  totalPrice: number;
  /** ISO 8601 with +09:00, from the operator's answer. Absent for standby and paid reservations. */
  paymentDeadline?: string;
  paid: boolean;
  /** A standby (예약대기) request, not yet a seat. */
  standby: boolean;
  raw: Record<string, unknown>;
};

export type Credentials = {
  /** Membership number, e-mail or phone number. */
  id: string;
  password: string;
  /** Detected from `id` when omitted. */
  idType?: 'membership' | 'email' | 'phone';
};

export type RailSession = {
  provider: ProviderName;
  memberNo: string;
  name: string;
  phone?: string;
  email?: string;
};

export interface RailProvider {
  readonly name: ProviderName;
  /** Set once the operator has blocked us; every later call throws it without touching the network. */
  readonly stoppedBy: RailError | undefined;
  readonly session: RailSession | undefined;
  login(credentials: Credentials): Promise<RailSession>;
  logout(): Promise<void>;
  /** The operator's station list. */
  stations(): Promise<Station[]>;
  /** Resolves a name; throws `no-such-station` with the nearest names as suggestions. */
  findStation(name: string): Promise<Station>;
  /** Every train of the day from `query.time` on (to `query.until`, else all pages), filtered by `trainTypes`. */
  search(query: SearchQuery): Promise<Train[]>;
  /** Holds seats on a train from `search`. The answer carries the operator's payment deadline. */
  reserve(train: Train, options: ReserveOptions): Promise<Reservation>;
  /** Joins the standby list (예약대기) of a sold-out train, where the operator offers it. */
  requestStandby(train: Train, options: StandbyOptions): Promise<Reservation>;
  listReservations(): Promise<Reservation[]>;
  /** The seats of one reservation (the list answer carries counts only). */
  seats(pnr: string): Promise<ReservedSeat[]>;
  /** Cancels an unpaid reservation or standby request. */
  cancel(reservation: Reservation | string): Promise<void>;
}

export type RailErrorKind =
  | 'sold-out'
  | 'not-logged-in'
  | 'netfunnel-stale'
  | 'blocked'
  /** The operator refuses logins from anything but its own app (Korail `MACRO ERROR`): not a block. */
  | 'login-refused'
  | 'bad-credentials'
  | 'no-such-station'
  | 'invalid-request'
  | 'operator';

/**
 * How each kind reads as an outside failure. A RailError that reaches a route unconverted answers
 * with the status `operatorError` (refusals.ts) gives that kind: 409, 503, 400 or 502.
 */
const REASON: Record<RailErrorKind, UpstreamReason> = {
  'sold-out': 'conflict',
  'not-logged-in': 'unauthorized',
  'netfunnel-stale': 'unavailable',
  blocked: 'blocked',
  'login-refused': 'rejected',
  'bad-credentials': 'invalid',
  'no-such-station': 'invalid',
  'invalid-request': 'invalid',
  operator: 'rejected',
};

/** The operator failures; `service` is the provider, `reason` follows from the kind. */
export class RailError extends UpstreamError {
  override readonly name = 'RailError';
  readonly kind: RailErrorKind;
  readonly provider: ProviderName;
  /** The operator's code (msgCd / h_msg_cd / HTTP status, or NETWORK when it could not be reached). */
  readonly code?: string;
  /** The operator's own words, verbatim. */
  readonly operatorMessage?: string;
  /** For `no-such-station`: the nearest known names, best first. */
  readonly suggestions?: string[];

  constructor(
    kind: RailErrorKind,
    provider: ProviderName,
    message: string,
    extra: { code?: string; operatorMessage?: string; suggestions?: string[]; cause?: unknown } = {},
  ) {
    super(provider, kind === 'operator' && extra.code === 'NETWORK' ? 'unavailable' : REASON[kind], message, {
      ...(extra.cause !== undefined ? { cause: extra.cause } : {}),
    });
    this.kind = kind;
    this.provider = provider;
    this.code = extra.code;
    this.operatorMessage = extra.operatorMessage;
    this.suggestions = extra.suggestions;
  }

  /** True for errors a watch may retry later (sold out). False where the user must act. */
  get retryable(): boolean {
    return this.kind === 'sold-out';
  }
}

export const isRailError = (e: unknown, kind?: RailErrorKind): e is RailError =>
  e instanceof RailError && (kind === undefined || e.kind === kind);

export function totalPassengers(p: Passengers): number {
  return PASSENGER_TYPES.reduce((n, t) => n + (p[t] ?? 0), 0);
}

/** Checks counts (whole numbers, 1..9 in total, at least one passenger who may travel alone). */
export function validatePassengers(provider: ProviderName, p: Passengers): void {
  for (const t of PASSENGER_TYPES) {
    const n = p[t] ?? 0;
    if (!Number.isInteger(n) || n < 0)
      throw new RailError('invalid-request', provider, `passengers.${t} must be a whole number ≥ 0`);
  }
  const total = totalPassengers(p);
  if (total < 1 || total > 9)
    throw new RailError('invalid-request', provider, 'between 1 and 9 passengers per reservation');
  if (provider === 'srt' && p.toddler)
    throw new RailError('invalid-request', provider, 'SRT sells no toddler (동반유아) tickets: use Korail');
  if (total === (p.child ?? 0) + (p.toddler ?? 0))
    throw new RailError(
      'invalid-request',
      provider,
      'children need an accompanying adult, senior or disabled passenger',
    );
}

/** The classes a policy accepts, in the order it prefers them. */
function policyClasses(policy: SeatPolicy): SeatClass[] {
  return policy === 'general-only'
    ? ['general']
    : policy === 'special-only'
      ? ['special']
      : policy === 'general-first'
        ? ['general', 'special']
        : ['special', 'general'];
}

/**
 * The seat classes to try, in order, for a policy given what the search answer showed. A class
 * whose seat count is known and below `party` is left out: that reserve could only be refused.
 */
export function classesToTry(train: Train, policy: SeatPolicy, party = 1): SeatClass[] {
  return policyClasses(policy).filter(
    (c) => train[c] === 'available' && (train.seatsLeft?.[c] ?? party) >= party,
  );
}

/**
 * Whether a party's seats sit together: one car, and rows no further apart than the party needs
 * (a row has two seats on each side of the aisle: 2 people in one row, 3–4 in two rows…). Null
 * for one seat or when the operator named no seats (standby).
 */
export function seatsTogether(seats: Pick<ReservedSeat, 'car' | 'seat'>[]): boolean | null {
  if (seats.length < 2) return null;
  if (new Set(seats.map((s) => s.car)).size > 1) return false;
  const rows = seats.map((s) => Number.parseInt(s.seat, 10));
  if (rows.some((r) => !Number.isFinite(r))) return null;
  return Math.max(...rows) - Math.min(...rows) + 1 <= Math.ceil(seats.length / 2);
}

/** The most seats an available class of the policy has left, when the operator gave every count. */
export function seatsLeftFor(train: Train, policy: SeatPolicy): number | undefined {
  const counts = policyClasses(policy)
    .filter((c) => train[c] === 'available')
    .map((c) => train.seatsLeft?.[c]);
  if (!counts.length || counts.some((n) => n === undefined)) return undefined;
  return Math.max(...(counts as number[]));
}
