/** The rail API as the rail pages use it. */
export type Provider = 'srt' | 'korail';
export type Availability = 'available' | 'sold-out' | 'absent';
export type SeatPolicy = 'general-first' | 'general-only' | 'special-first' | 'special-only';

// The shapes come from the server's own view types (type-only imports vanish from the bundle).
export type {
  AccountView as RailAccount,
  RailReservationView as RailReservation,
  TrainView as RailTrain,
  WatchView as RailWatch,
} from '../../../../src/modules/rail/index.ts';

import type { Rail, TrainGroup } from '../../../../src/modules/rail/index.ts';

export type { TrainGroup };
/** One operator as GET /api/rail/providers answers it (pausedUntil: no request goes to it until then). */
export type RailProviderStatus = Awaited<ReturnType<Rail['providers']>>[number];

/**
 * The train families each operator runs (what the train-type filter may offer), in the order shown.
 * A copy of the server's list (its module is not for the browser); `satisfies` keeps the names right.
 */
export const TRAIN_GROUPS_OF = {
  srt: ['SRT'],
  korail: ['KTX', 'ITX', 'saemaeul', 'mugunghwa', 'other'],
} as const satisfies Record<Provider, readonly TrainGroup[]>;

/** The families the operator runs that `types` names, in display order; null means all of them. */
export function chosenGroups(provider: Provider, types: readonly TrainGroup[] | null): TrainGroup[] {
  const all: readonly TrainGroup[] = TRAIN_GROUPS_OF[provider];
  return types ? all.filter((g) => types.includes(g)) : [...all];
}

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
