/**
 * Why a watch waits and how often it looks, in the reader's language: the same catalog texts for
 * Kakao, the CLI and the server's own answers (the web has them in its dictionary). Free of Node
 * and database imports, so the CLI can use it.
 */
import { type Lang, render } from '../../platform/messages/index.ts';

export type Shortage = { trainNo: string; seatsLeft: number | null; asked: number };

/** "305번 열차: 1석 남음, 2석 필요": a train with seats, but too few for the whole party. */
export function shortageText(x: Shortage, lang: Lang): string {
  if (x.seatsLeft === null)
    return render('rail.short_seats_unknown', { trainNo: x.trainNo, asked: x.asked }, lang);
  return render(
    x.seatsLeft === 1 ? 'rail.short_seat_one' : 'rail.short_seats',
    { trainNo: x.trainNo, left: x.seatsLeft, asked: x.asked },
    lang,
  );
}

/** "약 12초마다 확인": the interval the egress budget allows the watch's search now. */
export function checkedEveryText(ms: number, lang: Lang): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s >= 120
    ? render('rail.checked_every_min', { n: Math.round(s / 60) }, lang)
    : render('rail.checked_every', { n: s }, lang);
}
