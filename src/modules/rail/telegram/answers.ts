/**
 * What the Telegram bot answers a linked user: their watches numbered (the numbers `/stop N` takes),
 * stopping one, their held and paid reservations with the payment deadline. Plain text in the
 * user's language, every sentence a message code.
 */
import type { User } from '../../../platform/auth/service.ts';
import type { Code, Lang, ParamValue } from '../../../platform/messages/index.ts';
import { render } from '../../../platform/messages/index.ts';
import type { Rail, WatchView } from '../service.ts';
import { hhmm, kstClock, ymd } from '../time.ts';

export type Said = (key: Code, params?: Record<string, ParamValue>) => string;
export const sayer =
  (lang: Lang): Said =>
  (key, params) =>
    render(key, params, lang);

const STATE: Record<WatchView['status'], Code> = {
  waiting: 'rail.telegram.state.waiting',
  trying: 'rail.telegram.state.trying',
  reserved: 'rail.telegram.state.reserved',
  failed: 'rail.telegram.state.failed',
  stopped: 'rail.telegram.state.stopped',
};

const isRunning = (w: WatchView) => w.status === 'waiting' || w.status === 'trying';

/** Running watches oldest first, ties by id: a new watch does not shift the numbers `/stop` uses. */
export const running = (all: WatchView[]) =>
  all.filter(isRunning).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));

/** "SRT 수서→부산 2026-12-24 351번" or the time window when the watch names no train. */
export function watchLabel(w: WatchView, say: Said): string {
  const what = w.trainNos.length
    ? say('rail.telegram.trains', { trains: w.trainNos.join('·') })
    : `${hhmm(w.timeFrom)}-${hhmm(w.timeTo)}`;
  return `${w.provider.toUpperCase()} ${w.from}→${w.to} ${ymd(w.date)} ${what}`;
}

function watchLine(w: WatchView, say: Said): string {
  const parts = [say(STATE[w.status]), watchLabel(w, say)];
  if (w.attempts) parts.push(say('rail.telegram.tries', { count: w.attempts }));
  if (w.reservation)
    parts.push(
      w.reservation.standby
        ? say('rail.telegram.standby')
        : say('rail.telegram.pnr', { pnr: w.reservation.pnr }),
    );
  return parts.join(' · ');
}

/** `/watches`: the running ones numbered, then the last three that ended. */
export async function answerWatches(rail: Rail, user: User, say: Said): Promise<string> {
  const all = await rail.watches(user);
  if (!all.length) return say('rail.telegram.no_watches');
  const active = running(all);
  const ended = all.filter((w) => !isRunning(w)).slice(0, 3);
  const lines = active.length
    ? [
        say('rail.telegram.running_head'),
        ...active.slice(0, 20).map((w, i) => `${i + 1}. ${watchLine(w, say)}`),
      ]
    : [say('rail.telegram.no_running')];
  if (ended.length)
    lines.push('', say('rail.telegram.ended_head'), ...ended.map((w) => `• ${watchLine(w, say)}`));
  return lines.join('\n');
}

/** `/stop N`: the user's own Nth running watch, as `/watches` numbers them; nobody else's can be reached. */
export async function answerStop(rail: Rail, user: User, args: string[], say: Said): Promise<string> {
  const n = args[0];
  if (!n || args.length > 1 || !/^\d{1,3}$/.test(n)) return say('rail.telegram.stop_usage');
  const target = running(await rail.watches(user))[Number(n) - 1];
  if (!target) return say('rail.telegram.stop_missing', { n });
  const w = await rail.stopWatch(user, target.id);
  if (w.status !== 'stopped')
    return say('rail.telegram.stop_changed', { state: say(STATE[w.status]), watch: watchLabel(w, say) });
  return say('rail.telegram.stopped', { watch: watchLabel(w, say) });
}

/** `/reservations`: held ones with their payment deadline, then paid ones; the newest ten. */
export async function answerReservations(rail: Rail, user: User, say: Said): Promise<string> {
  const list = (await rail.reservations(user))
    .filter((r) => r.status === 'held' || r.status === 'paid')
    .slice(0, 10);
  if (!list.length) return say('rail.telegram.no_reservations');
  const lines = list.map((r) => {
    const state =
      r.status === 'paid'
        ? say('rail.telegram.paid')
        : r.standby
          ? say('rail.telegram.standby')
          : r.paymentDeadline
            ? `${say('rail.telegram.held')} · ${say('rail.telegram.pay_by', { deadline: kstClock(new Date(r.paymentDeadline)) })}`
            : say('rail.telegram.held');
    return `• ${r.trainType} ${r.trainNo} ${r.from}→${r.to} ${ymd(r.date)} ${hhmm(r.departure)} · ${r.pnr} · ${state}`;
  });
  return [say('rail.telegram.reservations_head'), ...lines].join('\n');
}
