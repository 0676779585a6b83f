import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from '../../platform/context.ts';
import type { Consumer, DomainEvent } from '../../platform/events/types.ts';
import { mailTemplates } from '../../platform/mail/mailer.ts';
import { type Code, isCode, type Lang, type ParamValue, render } from '../../platform/messages/index.ts';
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

const label = { srt: 'SRT', korail: 'Korail' } as const;

/** The catalog's words in one language. */
type Words = (key: Code, params?: Record<string, ParamValue>) => string;
const wordsIn =
  (lang: Lang): Words =>
  (key, params) =>
    render(key, params, lang);

function deadlineText(d: Date | null): string {
  if (!d) return '—';
  const k = new Date(d.getTime() + 9 * 3_600_000).toISOString();
  return `${k.slice(0, 10)} ${k.slice(11, 16)} KST`;
}

/** The seat class as every notice shows it; "—" when the operator named none (standby). */
export function classText(c: string | null, lang: Lang = 'ko'): string {
  if (!c) return '—';
  if (c === 'general') return render('rail.mail_general', undefined, lang);
  if (c === 'special') return render('rail.mail_special', undefined, lang);
  return c;
}

/** What a traveller must not miss about their seats: a class other than the first choice, a split party. */
export function seatNotes(
  r: Pick<ReservationRow, 'seatClass' | 'together' | 'standby'>,
  policy: string,
  lang: Lang = 'ko',
): string[] {
  const notes: string[] = [];
  if (!r.standby && policy === 'general-first' && r.seatClass === 'special')
    notes.push(render('rail.mail_special_instead', undefined, lang));
  if (!r.standby && policy === 'special-first' && r.seatClass === 'general')
    notes.push(render('rail.mail_general_instead', undefined, lang));
  if (r.together === false) notes.push(render('rail.mail_not_together', undefined, lang));
  return notes;
}

/** The seats as a notice lists them ("3호차 5A, 3호차 5B" / "car 3 seat 5A, car 3 seat 5B"). */
function seatsText(t: Words, r: ReservationRow): string {
  if (r.standby) return t('rail.mail_standby');
  return (
    r.seats.map((s) => t('rail.mail_seat', { car: s.car, seat: s.seat })).join(', ') ||
    t('rail.mail_seat_count', { count: r.seatCount })
  );
}

/** The reminder before a hold's payment deadline, or the notice that it expired unpaid. */
function paymentNotice(topic: string, r: ReservationRow, minutes: number, lang: Lang): Message {
  const t = wordsIn(lang);
  const operator = label[r.provider];
  const train = `${operator} ${r.trainType.startsWith(operator) ? r.trainNo : `${r.trainType} ${r.trainNo}`}`;
  const lines = [
    `${r.fromStation} → ${r.toStation} ${ymd(r.date)} ${hhmm(r.departure)}–${hhmm(r.arrival)}`,
    `${t('rail.mail_reservation')}: ${r.pnr}`,
    `${t('rail.mail_class')}: ${classText(r.seatClass, lang)}`,
    `${t('rail.mail_price')}: ${t('rail.mail_won', { amount: r.totalPrice })}`,
  ];
  if (topic === RAIL_PAYMENT_DUE)
    return {
      title: t('rail.mail_payment_due_title', { train, minutes }),
      lines: [
        ...lines,
        `${t('rail.mail_pay_by')}: ${deadlineText(r.paymentDeadline)}`,
        t('rail.mail_pay_or_cancelled', { operator }),
      ],
      link: '/rail/reservations',
    };
  return {
    title: t('rail.mail_hold_expired_title', { train }),
    lines: [...lines, t('rail.mail_hold_expired', { deadline: deadlineText(r.paymentDeadline) })],
    link: '/rail/reservations',
  };
}

/**
 * Tells the user about their watches on the channels the watch asks for: a reservation (number,
 * seats, price, payment deadline from the operator's answer) or a watch that had to stop. The
 * platform sends each channel once per event; a failing channel is retried with the event. Every
 * notice is written in the user's language (users.lang).
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
        const minutes = ctx.config.rail.payReminderMinutes;
        const kakaoUsers = channels.includes('kakao') ? await kakao?.eventUsers(r.userId) : undefined;
        const failed = deliveryError(
          await ctx.notify.deliver(
            event.id,
            { userId: r.userId, kakao: kakaoUsers },
            ['inapp', ...channels],
            (lang) => paymentNotice(event.topic, r, minutes, lang),
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
      /** A watch that stopped or changed course: the reason, with a link to the watches. */
      const notice = (lang: Lang, title: string, reason: string): Message => {
        const t = wordsIn(lang);
        return {
          title,
          lines: [`${route} ${when}`, reason],
          link: '/rail/watches',
          html: renderRailMail(
            'failed',
            {
              route,
              when,
              reason,
              link: `${ctx.config.publicUrl}/rail/watches`,
              lang,
              t: { heading: t('rail.mail_watch_stopped_heading'), myWatches: t('rail.mail_my_watches') },
            },
            title,
          ),
        };
      };
      let message: (lang: Lang) => Message;
      if (event.topic === RAIL_RESERVED || event.topic === RAIL_STANDBY_GRANTED) {
        const r = await rail.reservationRow(event.payload.reservationId);
        if (!r) return;
        const granted = event.topic === RAIL_STANDBY_GRANTED;
        message = (lang) => reservedNotice(ctx, r, w.seatPolicy, granted, lang);
      } else if (event.topic === RAIL_STANDBY_ENDED) {
        const r = await rail.reservationRow(event.payload.reservationId);
        if (!r) return;
        const resumed = event.payload.resumed;
        message = (lang) => {
          const t = wordsIn(lang);
          const reason = t(resumed ? 'rail.mail_standby_ended_resumed' : 'rail.mail_standby_ended', {
            pnr: r.pnr,
          });
          return notice(lang, t('rail.mail_standby_ended_title', { operator: label[r.provider] }), reason);
        };
      } else if (event.topic === RAIL_WATCH_FAILED) {
        const { reason, key, params } = event.payload;
        message = (lang) => {
          const t = wordsIn(lang);
          // A coded reason in the reader's language; an operator's own words as they came.
          const why = key && isCode(key) ? render(key, params, lang) : reason;
          return notice(lang, t('rail.mail_watch_stopped_title', { operator: label[w.provider] }), why);
        };
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

/** A seat (or a standby request) the watch won: number, class, seats, price and how to pay. */
function reservedNotice(
  ctx: Context,
  r: ReservationRow,
  policy: string,
  granted: boolean,
  lang: Lang,
): Message {
  const t = wordsIn(lang);
  const operator = label[r.provider];
  const seats = seatsText(t, r);
  const notes = seatNotes(r, policy, lang);
  const price = t('rail.mail_won', { amount: r.totalPrice });
  const deadline = deadlineText(r.paymentDeadline);
  const train = trainName(r.provider, r.trainType, r.trainNo);
  const title = t(
    r.standby ? 'rail.mail_standby_title' : granted ? 'rail.mail_granted_title' : 'rail.mail_reserved_title',
    { train },
  );
  const data = {
    route: `${r.fromStation} → ${r.toStation}`,
    when: `${ymd(r.date)} ${hhmm(r.departure)}–${hhmm(r.arrival)}`,
    pnr: r.pnr,
    train: `${r.trainType} ${r.trainNo}`,
    seats,
    price,
    deadline,
    seatClass: classText(r.seatClass, lang),
    notes,
    link: `${ctx.config.publicUrl}/rail/reservations`,
    lang,
    t: {
      ...tableWords(t),
      heading: t(
        r.standby
          ? 'rail.mail_standby_heading'
          : granted
            ? 'rail.mail_granted_heading'
            : 'rail.mail_reserved_heading',
      ),
      payBy: t('rail.mail_pay_by'),
      // The standby line or the payment line: chosen here, so the template only fills it in.
      body: r.standby ? t('rail.mail_standby_body') : t('rail.mail_pay_body', { operator }),
    },
  };
  return {
    title,
    lines: [
      `${data.route} ${data.when}`,
      `${t('rail.mail_reservation')}: ${r.pnr}`,
      `${t('rail.mail_class')}: ${data.seatClass}`,
      `${t('rail.mail_seats')}: ${seats}`,
      ...notes,
      `${t('rail.mail_price')}: ${price}`,
      r.standby ? t('rail.mail_tell_when_granted') : t('rail.mail_pay_in_app', { deadline, operator }),
    ],
    link: '/rail/reservations',
    html: renderRailMail('reserved', data, title),
  };
}

/** The words of the reservation tables in the mails. */
function tableWords(t: Words) {
  return {
    reservation: t('rail.mail_reservation'),
    train: t('rail.mail_train'),
    seatClass: t('rail.mail_class'),
    seats: t('rail.mail_seats'),
    price: t('rail.mail_price'),
    myReservations: t('rail.mail_my_reservations'),
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
  const message = (lang: Lang): Message => {
    const t = wordsIn(lang);
    const data = {
      route: `${r.fromStation} → ${r.toStation}`,
      when: `${ymd(r.date)} ${hhmm(r.departure)}–${hhmm(r.arrival)}`,
      pnr: r.pnr,
      train,
      seats: seatsText(t, { ...r, standby: false }),
      price: t('rail.mail_won', { amount: r.totalPrice }),
      link: `${ctx.config.publicUrl}/rail/reservations`,
      lang,
      t: { ...tableWords(t), heading: t('rail.mail_cancelled_heading'), body: t('rail.mail_cancelled_body') },
    };
    const title = t('rail.mail_cancelled_title', { train });
    return {
      title,
      lines: [
        `${data.route} ${data.when}`,
        `${t('rail.mail_reservation')}: ${r.pnr}`,
        `${t('rail.mail_seats')}: ${data.seats}`,
        t('rail.mail_cancelled_at', { operator: label[r.provider] }),
      ],
      link: '/rail/reservations',
      html: renderRailMail('cancelled', data, title),
    };
  };
  const deliveries = await ctx.notify.deliver(eventId, { userId: p.userId }, ['inapp', 'email'], message, {
    scope: 'rail-cancel',
    kind: RAIL_RESERVATION_CANCELLED,
  });
  const failed = deliveryError(deliveries);
  if (failed) throw failed;
}
