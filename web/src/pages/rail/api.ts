/** The rail API as the rail pages use it. */
export type Provider = 'srt' | 'korail';
export type Availability = 'available' | 'sold-out' | 'absent';
export type SeatPolicy = 'general-first' | 'general-only' | 'special-first' | 'special-only';

// The shapes come from the server's own view types (type-only imports vanish from the bundle).
export type {
  AccountView as RailAccount,
  ReservationView as RailReservation,
  TrainView as RailTrain,
  WatchView as RailWatch,
} from '../../../../src/modules/rail/service.ts';

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
