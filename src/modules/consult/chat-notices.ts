import { and, eq, gt, sql } from 'drizzle-orm';
import type { Context } from '../../platform/context.ts';
import { selectRows } from '../../platform/db.ts';
import type { Consumer, DomainEvent } from '../../platform/events/types.ts';
import type { Lang } from '../../platform/messages/index.ts';
import type { JobSpec } from '../../platform/module.ts';
import { deliveryError } from '../../platform/notify/index.ts';
import { CHAT_MESSAGE_TOPIC } from './chat.ts';
import { wordsIn } from './notices.ts';
import { REQUEST_TOPICS, type Requests } from './requests.ts';
import { consultCounselors, consultMessages, consultReads } from './schema.ts';

// What the chat and payment requests tell people, in the app and by push. A chat message is told
// only when its room was not open: the notice waits OPEN_SECONDS and is dropped when the recipient
// has read the message by then (an open room polls and marks it read), or when a later message of the
// same sender in the room will be told instead.

export const CHAT_NOTICE_JOB = 'consult.chat-notice';
export const REQUESTS_DUE_JOB = 'consult.requests-due';
export const OPEN_SECONDS = 10;

type ChatNotice = { messageId: number; roomId: string; recipientId: string };

type Notice = { title: string; lines: string[]; link: string };

export function chatNotices(ctx: Context, requests: Requests) {
  const send = async (
    eventId: string,
    userId: string,
    scope: string,
    // Written once the recipient's language is known.
    message: (lang: Lang) => Notice,
  ) => {
    const out = await ctx.notify.deliver(eventId, userId, ['inapp', 'push'], message, { scope });
    const err = deliveryError(out);
    if (err) throw err;
  };

  const consumer: Consumer = {
    name: 'consult.chat-notices',
    topics: [CHAT_MESSAGE_TOPIC, ...Object.values(REQUEST_TOPICS)],
    handle: async (event: DomainEvent) => {
      if (event.topic === CHAT_MESSAGE_TOPIC) {
        const p = event.payload as { messageId: number; roomId: string; recipients: string[] };
        for (const recipientId of p.recipients)
          await ctx.jobs.send<ChatNotice>(
            CHAT_NOTICE_JOB,
            { messageId: p.messageId, roomId: p.roomId, recipientId },
            { startAfter: OPEN_SECONDS, singletonKey: `${p.messageId}:${recipientId}` },
          );
        return;
      }
      const { requestId } = event.payload as { requestId: string };
      const r = await requests.byId(requestId);
      if (!r) return;
      const [c] = await ctx.database.db
        .select({ name: consultCounselors.name, userId: consultCounselors.userId })
        .from(consultCounselors)
        .where(eq(consultCounselors.id, r.counselorId));
      const chatLink = `/consult/chats/${r.roomId}`;
      const payLink = `/consult/counselors/${r.counselorId}/pay/${r.id}`;
      const what = (lang: Lang) =>
        `${r.title} · ${wordsIn(lang)('consult.notice_points_amount', { points: r.price })}`;
      switch (event.topic) {
        case REQUEST_TOPICS.sent:
          return send(event.id, r.userId, 'consult-request-sent', (lang) => ({
            title: c?.name
              ? wordsIn(lang)('consult.notice_request_sent', { counselor: c.name })
              : wordsIn(lang)('consult.notice_request_sent_unnamed'),
            lines: [what(lang)],
            link: payLink,
          }));
        case REQUEST_TOPICS.paid:
          if (c?.userId)
            await send(event.id, c.userId, 'consult-request-paid', (lang) => ({
              title: wordsIn(lang)('consult.notice_request_paid'),
              lines: [what(lang)],
              link: chatLink,
            }));
          return;
        case REQUEST_TOPICS.completed:
          return send(event.id, r.userId, 'consult-request-completed', (lang) => ({
            title: wordsIn(lang)('consult.notice_request_completed'),
            lines: [what(lang), wordsIn(lang)('consult.notice_leave_review')],
            link: chatLink,
          }));
        case REQUEST_TOPICS.refunded:
          return send(event.id, r.userId, 'consult-request-refunded', (lang) => ({
            title: wordsIn(lang)('consult.notice_request_refunded'),
            lines: [what(lang)],
            link: chatLink,
          }));
        case REQUEST_TOPICS.reminder: {
          // The appointment on the clock in Korea, where the marketplace runs.
          const at = r.appointmentAt
            ? r.appointmentAt.toLocaleTimeString('ko-KR', {
                timeZone: 'Asia/Seoul',
                hour: '2-digit',
                minute: '2-digit',
                hour12: false,
              })
            : '';
          const message = (lang: Lang): Notice => ({
            title: wordsIn(lang)('consult.notice_reminder', { at }),
            lines: [what(lang)],
            link: chatLink,
          });
          await send(event.id, r.userId, 'consult-request-reminder', message);
          if (c?.userId) await send(event.id, c.userId, 'consult-request-reminder-counselor', message);
          return;
        }
      }
    },
  };

  const jobs: JobSpec<never>[] = [
    {
      name: CHAT_NOTICE_JOB,
      handler: (async (n: ChatNotice) => {
        const db = ctx.database.db;
        const [m] = await db.select().from(consultMessages).where(eq(consultMessages.id, n.messageId));
        if (!m) return;
        const [read] = await db
          .select({ id: consultReads.lastReadId })
          .from(consultReads)
          .where(and(eq(consultReads.roomId, n.roomId), eq(consultReads.userId, n.recipientId)));
        if ((read?.id ?? 0) >= m.id) return;
        const [later] = await db
          .select({ id: consultMessages.id })
          .from(consultMessages)
          .where(
            and(
              eq(consultMessages.roomId, n.roomId),
              gt(consultMessages.id, m.id),
              sql`${consultMessages.senderId} is not distinct from ${m.senderId}`,
            ),
          )
          .limit(1);
        if (later) return;
        const [who] = await selectRows<{ name: string | null }>(
          db,
          sql`select coalesce(c.name, u.nickname, nullif(u.name, '')) as name
              from users u left join consult_counselors c on c.user_id = u.id where u.id = ${m.senderId}`,
        );
        await send(
          `consult-chat:${m.id}:${n.recipientId}`,
          n.recipientId,
          'consult-chat-message',
          (lang) => ({
            title: who?.name ?? wordsIn(lang)('consult.notice_new_message'),
            lines: [m.kind === 'image' ? wordsIn(lang)('consult.notice_photo') : m.body.slice(0, 120)],
            link: `/consult/chats/${n.roomId}`,
          }),
        );
      }) as JobSpec<never>['handler'],
      options: { retryLimit: 3 },
    },
    {
      name: REQUESTS_DUE_JOB,
      handler: async () => {
        await requests.sweep();
      },
      options: { cron: '* * * * *', retryLimit: 0 },
    },
  ];
  return { consumer, jobs };
}
