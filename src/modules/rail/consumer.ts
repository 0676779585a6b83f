import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from '../../platform/context.ts';
import type { Consumer, DomainEvent } from '../../platform/events/types.ts';
import { mailTemplates } from '../../platform/mail/mailer.ts';
import { deliveryError, type Message } from '../../platform/notify/index.ts';
import {
  RAIL_HOLD_EXPIRED,
  RAIL_PAYMENT_DUE,
  RAIL_RESERVATION_CANCELLED,
  RAIL_RESERVED,
  RAIL_STANDBY_ENDED,
  RAIL_STANDBY_GRANTED,
  RAIL_WATCH_CREATED,
  RAIL_WATCH_FAILED,
  readRailEvent,
} from './events.ts';
import type { KakaoSkill } from './kakao/skill.ts';
import type { Rail } from './service.ts';
import { hhmm, ymd } from './time.ts';
import type { ReservationRow } from './views.ts';

const renderRailMail = mailTemplates(resolve(dirname(fileURLToPath(import.meta.url)), 'templates'));

const won = (n: number) => `${n.toLocaleString('ko-KR')}원`;
const label = { srt: 'SRT', korail: 'Korail' } as const;

function deadlineText(d: Date | null): string {
  if (!d) return '—';
  const k = new Date(d.getTime() + 9 * 3_600_000).toISOString();
  return `${k.slice(0, 10)} ${k.slice(11, 16)} KST`;
}

const CLASS_TEXT: Record<string, string> = { general: '일반실 (standard)', special: '특실 (first class)' };
/** The seat class as every notice shows it; "—" when the operator named none (standby). */
export const classText = (c: string | null) => (c ? (CLASS_TEXT[c] ?? c) : '—');

/** What a traveller must not miss about their seats: a class other than the first choice, a split party. */
export function seatNotes(
  r: Pick<ReservationRow, 'seatClass' | 'together' | 'standby'>,
  policy: string,
): string[] {
  const notes: string[] = [];
  if (!r.standby && policy === 'general-first' && r.seatClass === 'special')
    notes.push(
      '일반실이 없어 특실로 예약했습니다 (요금이 더 높습니다) / No standard seat: reserved in first class (higher fare)',
    );
  if (!r.standby && policy === 'special-first' && r.seatClass === 'general')
    notes.push('특실이 없어 일반실로 예약했습니다 / No first-class seat: reserved in standard class');
  if (r.together === false) notes.push('좌석이 나란히 붙어 있지 않습니다 / The seats are not together');
  return notes;
}

/** The reminder before a hold's payment deadline, or the notice that it expired unpaid. */
function paymentNotice(topic: string, r: ReservationRow, minutes: number): Message {
  const train = `${label[r.provider]} ${r.trainType.startsWith(label[r.provider]) ? r.trainNo : `${r.trainType} ${r.trainNo}`}`;
  const lines = [
    `${r.fromStation} → ${r.toStation} ${ymd(r.date)} ${hhmm(r.departure)}–${hhmm(r.arrival)}`,
    `예약번호 / reservation: ${r.pnr}`,
    `등급 / class: ${classText(r.seatClass)}`,
    `금액 / price: ${won(r.totalPrice)}`,
  ];
  if (topic === RAIL_PAYMENT_DUE)
    return {
      title: `[yeyak] ${train} 결제 기한 ${minutes}분 전 / pay within ${minutes} min`,
      lines: [
        ...lines,
        `결제 기한 / pay by: ${deadlineText(r.paymentDeadline)}`,
        `${label[r.provider]} 앱에서 결제하지 않으면 예약이 취소됩니다 / Pay in the ${label[r.provider]} app or the hold is cancelled`,
      ],
      link: '/rail/reservations',
    };
  return {
    title: `[yeyak] ${train} 결제 기한 만료 / hold expired unpaid`,
    lines: [
      ...lines,
      `결제 기한(${deadlineText(r.paymentDeadline)})이 지나 예약이 취소되었습니다 / The payment deadline passed: the operator cancelled the hold`,
    ],
    link: '/rail/reservations',
  };
}

/**
 * Tells the user about their watches on the channels the watch asks for: a reservation (number,
 * seats, price, payment deadline from the operator's answer) or a watch that had to stop. The
 * platform sends each channel once per event; a failing channel is retried with the event.
 */
export function railNotifyConsumer(ctx: Context, rail: Rail, kakao?: KakaoSkill): Consumer {
  return {
    name: 'rail-notify',
    topics: [
      RAIL_RESERVED,
      RAIL_STANDBY_GRANTED,
      RAIL_STANDBY_ENDED,
      RAIL_WATCH_FAILED,
      RAIL_PAYMENT_DUE,
      RAIL_HOLD_EXPIRED,
      RAIL_RESERVATION_CANCELLED,
    ],
    handle: async (incoming: DomainEvent) => {
      const event = readRailEvent(incoming);
      if (event.topic === RAIL_RESERVATION_CANCELLED) return cancelled(ctx, rail, event.id, event.payload);
      if (event.topic === RAIL_PAYMENT_DUE || event.topic === RAIL_HOLD_EXPIRED) {
        const r = await rail.reservationRow(event.payload.reservationId);
        if (!r) return;
        const w = r.watchId ? await rail.watchRow(r.watchId) : undefined;
        const channels = w ? w.notify : await rail.defaultChannels(r.userId);
        const message = paymentNotice(event.topic, r, ctx.config.rail.payReminderMinutes);
        const kakaoUsers = channels.includes('kakao') ? await kakao?.eventUsers(r.userId) : undefined;
        const failed = deliveryError(
          await ctx.notify.deliver(
            event.id,
            { userId: r.userId, kakao: kakaoUsers },
            ['inapp', ...channels],
            message,
            {
              scope: 'rail-notify',
              mailKey: 'rail-payment',
              kind: event.topic,
            },
          ),
        );
        if (failed) throw failed;
        return;
      }
      // A standby whose watch was deleted has no one to tell about it.
      if (event.topic === RAIL_WATCH_CREATED || !event.payload.watchId) return;
      const w = await rail.watchRow(event.payload.watchId);
      if (!w) return;
      const route = `${w.fromStation} → ${w.toStation}`;
      const when = `${ymd(w.date)} ${w.trainNo ? `#${w.trainNo} ${hhmm(w.timeFrom)}` : `${hhmm(w.timeFrom)}–${hhmm(w.timeTo)}`}`;
      let message: Message;
      /** A watch that stopped or changed course: the reason, with a link to the watches. */
      const notice = (title: string, reason: string): Message => ({
        title,
        lines: [`${route} ${when}`, reason],
        link: '/rail/watches',
        html: renderRailMail(
          'failed',
          { route, when, reason, link: `${ctx.config.publicUrl}/rail/watches` },
          title,
        ),
      });
      if (event.topic === RAIL_RESERVED || event.topic === RAIL_STANDBY_GRANTED) {
        const r = await rail.reservationRow(event.payload.reservationId);
        if (!r) return;
        const seats = r.standby
          ? '예약대기 (standby)'
          : r.seats.map((s) => `${s.car}호차 ${s.seat}`).join(', ') || `${r.seatCount}석`;
        const notes = seatNotes(r, w.seatPolicy);
        const data = {
          route: `${r.fromStation} → ${r.toStation}`,
          when: `${ymd(r.date)} ${hhmm(r.departure)}–${hhmm(r.arrival)}`,
          pnr: r.pnr,
          train: `${r.trainType} ${r.trainNo}`,
          seats,
          price: won(r.totalPrice),
          deadline: deadlineText(r.paymentDeadline),
          operator: label[r.provider],
          seatClass: classText(r.seatClass),
          notes,
          link: `${ctx.config.publicUrl}/rail/reservations`,
          standby: r.standby,
          heading: r.standby
            ? '예약대기를 신청했습니다 · Standby request placed'
            : event.topic === RAIL_STANDBY_GRANTED
              ? '예약대기 좌석이 배정되었습니다 · Standby seat granted'
              : '좌석을 잡았습니다 · Seat reserved',
        };
        message = {
          title: `[yeyak] ${trainName(r.provider, r.trainType, r.trainNo)} ${
            r.standby
              ? '예약대기 신청 / standby requested'
              : event.topic === RAIL_STANDBY_GRANTED
                ? '예약대기 좌석 배정 / standby seat granted'
                : '좌석 확보 / seat reserved'
          }`,
          lines: [
            `${data.route} ${data.when}`,
            `예약번호 / reservation: ${r.pnr}`,
            `등급 / class: ${classText(r.seatClass)}`,
            `좌석 / seats: ${seats}`,
            ...notes,
            `금액 / price: ${data.price}`,
            r.standby
              ? '좌석이 배정되면 알려 드립니다 / we tell you when a seat is granted'
              : `결제 기한 / pay by: ${data.deadline} (${label[r.provider]} 앱에서 결제 / pay in the operator's app)`,
          ],
          link: '/rail/reservations',
        };
        message.html = renderRailMail('reserved', data, message.title);
      } else if (event.topic === RAIL_STANDBY_ENDED) {
        const r = await rail.reservationRow(event.payload.reservationId);
        if (!r) return;
        const reason = event.payload.resumed
          ? `예약대기 ${r.pnr}가 좌석 없이 끝났습니다. 감시가 일반 좌석을 다시 찾습니다. / Standby ${r.pnr} ended without a seat; the watch is trying for a seat again.`
          : `예약대기 ${r.pnr}가 좌석 없이 끝났습니다. / Standby ${r.pnr} ended without a seat.`;
        message = notice(`[yeyak] ${label[r.provider]} 예약대기 종료 / standby ended`, reason);
      } else if (event.topic === RAIL_WATCH_FAILED) {
        const reason = event.payload.reason;
        message = notice(`[yeyak] ${label[w.provider]} 감시 중단 / watch stopped`, reason);
      } else return;
      // The once-records keep the names they had when rail sent itself (rail-notify-<channel>).
      const kakaoUsers = w.notify.includes('kakao') ? await kakao?.eventUsers(w.userId) : undefined;
      // In the app too, whatever channels the watch names: the traveller sees it when they log in.
      const deliveries = await ctx.notify.deliver(
        event.id,
        { userId: w.userId, kakao: kakaoUsers },
        ['inapp', ...w.notify],
        message,
        { scope: 'rail-notify', mailKey: 'rail-notice', kind: event.topic },
      );
      const failed = deliveryError(deliveries);
      if (failed) throw failed;
    },
  };
}

/** "SRT 335", not "SRT SRT 335": the operator is named only when the train type does not say it. */
function trainName(provider: keyof typeof label, type: string, no: string): string {
  return `${type.startsWith(label[provider]) ? '' : `${label[provider]} `}${type} ${no}`;
}

/**
 * The receipt of a cancellation the traveller asked for: by mail (when their settings allow it)
 * and in the app, whether or not a watch made the reservation.
 */
async function cancelled(
  ctx: Context,
  rail: Rail,
  eventId: string,
  p: { reservationId: string; userId: string },
): Promise<void> {
  const r = await rail.reservationRow(p.reservationId);
  if (!r) return;
  const train = trainName(r.provider, r.trainType, r.trainNo);
  const data = {
    route: `${r.fromStation} → ${r.toStation}`,
    when: `${ymd(r.date)} ${hhmm(r.departure)}–${hhmm(r.arrival)}`,
    pnr: r.pnr,
    train,
    seats: r.seats.map((s) => `${s.car}호차 ${s.seat}`).join(', ') || `${r.seatCount}석`,
    price: won(r.totalPrice),
    link: `${ctx.config.publicUrl}/rail/reservations`,
  };
  const title = `[yeyak] ${train} 예약 취소 / reservation cancelled`;
  const message: Message = {
    title,
    lines: [
      `${data.route} ${data.when}`,
      `예약번호 / reservation: ${r.pnr}`,
      `좌석 / seats: ${data.seats}`,
      `운영사에서 취소했습니다 / cancelled at ${label[r.provider]}`,
    ],
    link: '/rail/reservations',
    html: renderRailMail('cancelled', data, title),
  };
  const deliveries = await ctx.notify.deliver(eventId, { userId: p.userId }, ['inapp', 'email'], message, {
    scope: 'rail-cancel',
    kind: RAIL_RESERVATION_CANCELLED,
  });
  const failed = deliveryError(deliveries);
  if (failed) throw failed;
}
