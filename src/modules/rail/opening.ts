/**
 * When an operator starts selling a date: SRT 30 days ahead, Korail 31, both at 07:00 KST. A watch
 * for a date not on sale yet waits for that instant without polling, then is polled first.
 */
import { invalidField } from '../../platform/errors.ts';
import type { ProviderName } from './providers/index.ts';
import { addDays, kstClock, kstDate, kstEpoch } from './time.ts';
import { BOOKING_DAYS, PROVIDER_LABEL } from './views.ts';

/** The hour (KST) the operators open the next date's sales. */
export const SALES_OPEN_TIME = '070000';
/** A watch may wait this long for its start (the next month's dates, at most). */
const MAX_WAIT_DAYS = 31;
/** After its start a watch is first in its operator's round for this long: the rush at the opening. */
export const OPENING_RUSH_MS = 10 * 60_000;

/** Epoch ms when `provider` opens sales for `date`. */
export const salesOpenAt = (provider: ProviderName, date: string) =>
  kstEpoch(addDays(date, -BOOKING_DAYS[provider]), SALES_OPEN_TIME);

/**
 * The start of a watch for `date`: null to poll at once; else the instant it starts, never before
 * the operator opens the date. `opensAt` is set when the date is not on sale yet.
 */
export function watchStart(
  provider: ProviderName,
  date: string,
  startAt: Date | null | undefined,
  now = Date.now(),
): { startAt: Date | null; opensAt: Date | null } {
  const today = kstDate(now);
  if (date < today) throw invalidField('body.date', `${date} is in the past (today in Korea is ${today})`);
  const opens = salesOpenAt(provider, date);
  const opensAt = opens > now ? new Date(opens) : null;
  if (opens > now + MAX_WAIT_DAYS * 86_400_000)
    throw invalidField(
      'body.date',
      `${PROVIDER_LABEL[provider]} opens ${date} only on ${kstClock(new Date(opens))} KST: a watch waits at most ${MAX_WAIT_DAYS} days (last date now ${addDays(today, BOOKING_DAYS[provider] + MAX_WAIT_DAYS - 1)})`,
    );
  if (startAt) {
    if (startAt.getTime() > kstEpoch(date, '235959'))
      throw invalidField('body.startAt', 'must be before the end of the travel date');
    if (opensAt && startAt.getTime() < opens)
      throw invalidField(
        'body.startAt',
        `${PROVIDER_LABEL[provider]} opens ${date} on ${kstClock(opensAt)} KST: start then or later`,
      );
    if (startAt.getTime() > now) return { startAt, opensAt };
  }
  return { startAt: opensAt, opensAt };
}

/** Whether a watch has started (polls may take it). */
export const started = (w: { startAt: Date | null }, now = Date.now()) =>
  !w.startAt || w.startAt.getTime() <= now;
