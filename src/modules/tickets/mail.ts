import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from '../../platform/context.ts';
import { once } from '../../platform/events/outbox.ts';
import type { Consumer, DomainEvent } from '../../platform/events/types.ts';
import { mailTemplates } from '../../platform/mail/mailer.ts';
import { zonedParts } from '../../platform/time.ts';
import { payloadOf, TOPICS } from './events.ts';
import type { Tickets } from './service.ts';

const render = mailTemplates(resolve(dirname(fileURLToPath(import.meta.url)), 'templates'));

const won = (n: number) => `${n.toLocaleString('ko-KR')}원`;

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
  const r = await tickets.reservationById(reservationId);
  if (!r || r.deleted) return undefined; // cancelled before the mail went out: nothing to send
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
  };
  return {
    to: r.email,
    subject: `[yeyak] 예매 확인 · ${r.eventTitle} ${when.date} ${when.time}`,
    html: render('ticket', data, r.eventTitle),
    text: [
      `${r.eventTitle}`,
      `${when.date} ${when.time} (${r.timezone})${r.venue ? ` · ${r.venue}` : ''}`,
      `${r.ticketTypeName} × ${r.quantity} · ${won(r.totalPrice)}`,
      `예매번호 / reservation no. ${r.id}`,
      `입장 코드 / entry code: ${code}`,
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
  const r = await tickets.reservationById(reservationId);
  if (!r?.deleted) return;
  const when = zonedParts(new Date(r.startsAt), r.timezone);
  const at = r.cancelledAt ? zonedParts(new Date(r.cancelledAt), r.timezone) : undefined;
  const data = {
    r,
    date: when.date,
    time: when.time,
    cancelledAt: at ? `${at.date} ${at.time}` : '',
    totalPrice: won(r.totalPrice),
    link: `${ctx.config.publicUrl}/my/tickets`,
  };
  await ctx.mailer.send({
    key,
    to: r.email,
    subject: `[yeyak] 예매 취소 · ${r.eventTitle} ${when.date} ${when.time}`,
    html: render('cancelled', data, r.eventTitle),
    text: [
      `${r.eventTitle} ${when.date} ${when.time}`,
      `${r.ticketTypeName} × ${r.quantity} · ${won(r.totalPrice)}`,
      `예매번호 / reservation no. ${r.id}: 취소되었습니다 / cancelled`,
      '이 예매의 입장 코드는 더 이상 쓸 수 없습니다 / its entry code no longer opens the door',
    ].join('\n'),
  });
}

async function sendOffer(ctx: Context, tickets: Tickets, entryId: string, key: string) {
  const row = await tickets.waitlistOffer(entryId);
  if (row?.w.status !== 'offered' || row.h?.status !== 'held') return;
  const when = zonedParts(row.s.startsAt, row.e.timezone);
  const until = zonedParts(row.h.expiresAt, row.e.timezone);
  const data = {
    title: row.e.title,
    ticketType: row.t.name,
    quantity: row.w.quantity,
    date: when.date,
    time: when.time,
    until: `${until.date} ${until.time}`,
    total: won(row.t.price * row.w.quantity),
    link: `${ctx.config.publicUrl}/holds/${row.h.id}`,
  };
  await ctx.mailer.send({
    key,
    to: row.w.email,
    subject: `[yeyak] 대기하신 좌석이 나왔습니다 · ${row.e.title}`,
    html: render('offer', data, row.e.title),
    text: `${row.e.title} ${when.date} ${when.time}: ${row.t.name} × ${row.w.quantity} 좌석을 ${data.until}까지 확보해 두었습니다. 확정하기 / confirm: ${data.link}`,
  });
}
