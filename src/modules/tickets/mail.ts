import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from '../../platform/context.ts';
import { once } from '../../platform/events/outbox.ts';
import type { Consumer, DomainEvent } from '../../platform/events/types.ts';
import { mailTemplates } from '../../platform/mail/mailer.ts';
import { type Code, type Lang, type ParamValue, render as say } from '../../platform/messages/index.ts';
import { zonedParts } from '../../platform/time.ts';
import { payloadOf, TOPICS } from './events.ts';
import type { Tickets } from './service.ts';

export const renderTicketsMail = mailTemplates(resolve(dirname(fileURLToPath(import.meta.url)), 'templates'));
const render = renderTicketsMail;

/** The catalog's words in one language: what the mail templates fill in. */
export const wordsIn =
  (lang: Lang) =>
  (key: Code, params?: Record<string, ParamValue>): string =>
    say(key, params, lang);

/** The words every ticket mail's table uses. */
function tableWords(t: ReturnType<typeof wordsIn>) {
  return {
    reservation: t('tickets.mail_reservation'),
    ticket: t('tickets.mail_ticket'),
    price: t('tickets.mail_price'),
    total: t('tickets.mail_total'),
    myTickets: t('tickets.mail_my_tickets'),
  };
}

/** Renders and sends ticket and waiting-list mails; each event is mailed once (dedupe by event id). */
export function ticketMailConsumer(ctx: Context, tickets: Tickets): Consumer {
  return {
    name: 'ticket-mail',
    topics: [TOPICS.reservationConfirmed, TOPICS.waitlistOffered, TOPICS.reservationCancelled],
    handle: (event: DomainEvent) =>
      once(ctx.database, 'ticket-mail', event.id, async () => {
        if (event.topic === TOPICS.reservationConfirmed) {
          const { reservationId } = payloadOf(event, TOPICS.reservationConfirmed);
          await sendTicket(ctx, tickets, reservationId, `${event.id}.ticket`);
        } else if (event.topic === TOPICS.reservationCancelled) {
          const { reservationId } = payloadOf(event, TOPICS.reservationCancelled);
          await sendCancelled(ctx, tickets, reservationId, `${event.id}.cancelled`);
        } else if (event.topic === TOPICS.waitlistOffered) {
          const { entryId } = payloadOf(event, TOPICS.waitlistOffered);
          await sendOffer(ctx, tickets, entryId, `${event.id}.offer`);
        }
      }),
  };
}

async function ticketMail(ctx: Context, tickets: Tickets, reservationId: number) {
  const r = await tickets.reservationForMail(reservationId);
  if (!r || r.deleted) return undefined; // cancelled before the mail went out: nothing to send
  const lang = await ctx.notify.langOf(r.userId);
  const t = wordsIn(lang);
  const won = (amount: number) => t('tickets.mail_won', { amount });
  const code = tickets.ticketCode(r.id);
  const when = zonedParts(new Date(r.startsAt), r.timezone);
  // The code breaks at its dots on a narrow screen, never one character alone on a line.
  const dot = code.lastIndexOf('.') + 1;
  const data = {
    r,
    code,
    codeHead: code.slice(0, dot),
    codeTail: code.slice(dot),
    date: when.date,
    time: when.time,
    unitPrice: won(r.unitPrice),
    totalPrice: won(r.totalPrice),
    link: `${ctx.config.publicUrl}/my/tickets`,
    lang,
    t: { ...tableWords(t), showAtDoor: t('tickets.mail_show_at_door') },
  };
  return {
    to: r.email,
    subject: t('tickets.mail_confirmed_subject', { title: r.eventTitle, date: when.date, time: when.time }),
    html: render('ticket', data, r.eventTitle),
    text: [
      `${r.eventTitle}`,
      `${when.date} ${when.time} (${r.timezone})${r.venue ? ` · ${r.venue}` : ''}`,
      `${r.ticketTypeName} × ${r.quantity} · ${won(r.totalPrice)}`,
      t('tickets.mail_reservation_no', { id: String(r.id) }),
      t('tickets.mail_entry_code', { code }),
    ].join('\n'),
    attachments: [
      {
        filename: 'ticket-qr.png',
        // Drawn when the mail is composed, in the mail worker thread. 8 px per module renders sharp
        // at the 240 px the mail shows, at a fraction of the CPU of a larger image.
        qr: { text: code, scale: 8, margin: 2, errorCorrectionLevel: 'M' as const },
        contentType: 'image/png',
        cid: `qr-${r.id}@yeyak`,
      },
    ],
  };
}

// `key` (from the event id) is the same on every attempt: it becomes the Message-ID receivers dedupe on.
async function sendTicket(ctx: Context, tickets: Tickets, reservationId: number, key: string) {
  const mail = await ticketMail(ctx, tickets, reservationId);
  if (mail) await ctx.mailer.send({ ...mail, key });
}

/** The receipt of a cancelled reservation: what was given back, and that the code no longer opens the door. */
async function sendCancelled(ctx: Context, tickets: Tickets, reservationId: number, key: string) {
  const r = await tickets.reservationForMail(reservationId);
  if (!r?.deleted) return;
  const lang = await ctx.notify.langOf(r.userId);
  const t = wordsIn(lang);
  const won = (amount: number) => t('tickets.mail_won', { amount });
  const when = zonedParts(new Date(r.startsAt), r.timezone);
  const at = r.cancelledAt ? zonedParts(new Date(r.cancelledAt), r.timezone) : undefined;
  const data = {
    r,
    date: when.date,
    time: when.time,
    cancelledAt: at ? `${at.date} ${at.time}` : '',
    totalPrice: won(r.totalPrice),
    link: `${ctx.config.publicUrl}/my/tickets`,
    lang,
    t: {
      ...tableWords(t),
      heading: t('tickets.mail_cancelled_heading'),
      cancelledAt: t('tickets.mail_cancelled_at'),
      body: t('tickets.mail_cancelled_body'),
    },
  };
  await ctx.mailer.send({
    key,
    to: r.email,
    subject: t('tickets.mail_cancelled_subject', { title: r.eventTitle, date: when.date, time: when.time }),
    html: render('cancelled', data, r.eventTitle),
    text: [
      `${r.eventTitle} ${when.date} ${when.time}`,
      `${r.ticketTypeName} × ${r.quantity} · ${won(r.totalPrice)}`,
      t('tickets.mail_cancelled_no', { id: String(r.id) }),
      t('tickets.mail_cancelled_body'),
    ].join('\n'),
  });
}

async function sendOffer(ctx: Context, tickets: Tickets, entryId: string, key: string) {
  const row = await tickets.waitlistOffer(entryId);
  if (row?.w.status !== 'offered' || row.h?.status !== 'held') return;
  const lang = await ctx.notify.langOf(row.w.userId);
  const t = wordsIn(lang);
  const when = zonedParts(row.s.startsAt, row.e.timezone);
  const until = zonedParts(row.h.expiresAt, row.e.timezone);
  const data = {
    title: row.e.title,
    ticketType: row.t.name,
    quantity: row.w.quantity,
    date: when.date,
    time: when.time,
    until: `${until.date} ${until.time}`,
    total: t('tickets.mail_won', { amount: row.t.price * row.w.quantity }),
    link: `${ctx.config.publicUrl}/holds/${row.h.id}`,
    lang,
    t: {
      heading: t('tickets.mail_offer_heading'),
      body: t('tickets.mail_offer_body', { until: `${until.date} ${until.time}` }),
      confirm: t('tickets.mail_confirm'),
    },
  };
  await ctx.mailer.send({
    key,
    to: row.w.email,
    subject: t('tickets.mail_offer_subject', { title: row.e.title }),
    html: render('offer', data, row.e.title),
    text: t('tickets.mail_offer_text', {
      title: row.e.title,
      date: when.date,
      time: when.time,
      ticketType: row.t.name,
      quantity: row.w.quantity,
      until: data.until,
      link: data.link,
    }),
  });
}
