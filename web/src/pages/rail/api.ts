/** The rail API as the rail pages use it. */
export type Provider = 'srt' | 'korail';
export type Availability = 'available' | 'sold-out' | 'absent';
export type SeatPolicy = 'general-first' | 'general-only' | 'special-first' | 'special-only';

export type RailTrain = {
  provider: Provider;
  trainNo: string;
  type: string;
  date: string;
  from: string;
  to: string;
  departure: string;
  arrival: string;
  general: Availability;
  special: Availability;
  standby: boolean;
  price: number | null;
  departed: boolean;
};

export type RailReservation = {
  id: string;
  provider: Provider;
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
  status: 'held' | 'cancelled' | 'paid' | 'expired';
  createdAt: string;
};

export type RailWatch = {
  id: string;
  provider: Provider;
  from: string;
  to: string;
  date: string;
  timeFrom: string;
  timeTo: string;
  trainNo: string | null;
  passengers: Record<string, number>;
  seatPolicy: SeatPolicy;
  selection: 'earliest' | 'latest' | 'random';
  standby: boolean;
  notify: string[];
  status: 'waiting' | 'trying' | 'reserved' | 'failed' | 'stopped';
  attempts: number;
  lastResult: string | null;
  lastPollAt: string | null;
  failReason: string | null;
  reservation: RailReservation | null;
  createdAt: string;
};

export type RailAccount = {
  id: string;
  provider: Provider;
  loginHint: string;
  memberName: string | null;
  status: 'ok' | 'bad-credentials' | 'blocked';
  lastError: string | null;
};

export type NotifySettings = {
  email: boolean;
  discord: boolean;
  slack: boolean;
  telegram: boolean;
  telegramChatId: string | null;
  telegramAvailable: boolean;
};

export const hhmm = (t: string) => `${t.slice(0, 2)}:${t.slice(2, 4)}`;
export const ymd = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
export const label = (p: Provider) => (p === 'srt' ? 'SRT' : 'Korail');

/** Today in Korea as YYYY-MM-DD (the operators' calendar). */
export function kstToday(plusDays = 0): string {
  return new Date(Date.now() + 9 * 3_600_000 + plusDays * 86_400_000).toISOString().slice(0, 10);
}
