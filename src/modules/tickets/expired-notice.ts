import { eq } from 'drizzle-orm';
import type { Context } from '../../platform/context.ts';
import type { Consumer } from '../../platform/events/types.ts';
import { deliveryError, type Message } from '../../platform/notify/index.ts';
import { zonedParts } from '../../platform/time.ts';
import { payloadOf, TOPICS } from './events.ts';
import { renderTicketsMail, wordsIn } from './mail.ts';
import { events, holds, showtimes, ticketTypes } from './schema.ts';

/**
 * A hold that ran out before the buyer confirmed it: the buyer hears that the seats went back (in
 * the app and by mail when their settings allow it), in their language, like rail's notice of a hold
 * that expired unpaid. A waiting-list offer that ran out says it passed to the next person waiting.
 */
export function holdExpiredConsumer(ctx: Context): Consumer {
  return {
    name: 'tickets-hold-expired',
    topics: [TOPICS.holdExpired],
    handle: async (event) => {
      const { holdId, waitlistEntryId } = payloadOf(event, TOPICS.holdExpired);
      const [row] = await ctx.database.db
        .select({ h: holds, t: ticketTypes, s: showtimes, e: events })
        .from(holds)
        .innerJoin(ticketTypes, eq(ticketTypes.id, holds.ticketTypeId))
        .innerJoin(showtimes, eq(showtimes.id, ticketTypes.showtimeId))
        .innerJoin(events, eq(events.id, showtimes.eventId))
        .where(eq(holds.id, holdId));
      if (!row) return;
      const { h, t: type, s, e } = row;
      const when = zonedParts(s.startsAt, e.timezone);
      const until = zonedParts(h.expiresAt, e.timezone);
      const path = `/events/${encodeURIComponent(e.code)}`;
      const message = (lang: Parameters<typeof wordsIn>[0]): Message => {
        const t = wordsIn(lang);
        const params = {
          ticketType: type.name,
          quantity: h.quantity,
          until: `${until.date} ${until.time}`,
        };
        const body = t(
          waitlistEntryId ? 'tickets.mail_expired_offer_body' : 'tickets.mail_expired_body',
          params,
        );
        const title = t('tickets.mail_expired_subject', { title: e.title });
        const data = {
          title: e.title,
          date: when.date,
          time: when.time,
          link: `${ctx.config.publicUrl}${path}`,
          lang,
          t: { heading: t('tickets.mail_expired_heading'), body, eventPage: t('tickets.mail_event_page') },
        };
        return {
          title,
          lines: [`${e.title} · ${when.date} ${when.time}`, body],
          link: path,
          html: renderTicketsMail('expired', data, e.title),
        };
      };
      const failed = deliveryError(
        await ctx.notify.deliver(event.id, { userId: h.userId }, ['inapp', 'email'], message, {
          scope: 'tickets-hold-expired',
          kind: TOPICS.holdExpired,
        }),
      );
      if (failed) throw failed;
    },
  };
}
