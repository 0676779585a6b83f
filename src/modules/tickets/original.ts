import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Auth } from '../../platform/auth/service.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { type App, envelope } from '../../platform/http/app.ts';
import { zonedParts, zonedToInstant } from '../../platform/time.ts';
import { getEvent } from './catalogue.ts';
import type { Tickets } from './service.ts';
import type { EventView, TicketReservationView, TicketsDeps } from './views.ts';

/**
 * The original reservation API, kept exactly as its clients speak it: four routes, a bare or
 * Bearer token in Authorization, `{code: 200, description: "성공", data}` or
 * `{code: 202, description: "예약 정보가 없습니다."}`, and its field names.
 */
const SUCCESS = '성공';
const NONE = '예약 정보가 없습니다.';

const createBody = z
  .object({
    performanceId: z.string().trim().min(1).max(64),
    performanceTitle: z.string().trim().min(1).max(200),
    reservationTicketCount: z.number().int('must be a whole number').min(1).max(20),
    reservationDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
      .refine(
        (d) =>
          !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) &&
          new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
        'not a real date',
      ),
    reservationTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm'),
    reservationPrice: z.number().int().min(0),
    reservationPoster: z.string().max(2000).nullable().optional(),
    memberEmail: z.string().trim().max(254).pipe(z.email('must be an e-mail address')),
  })
  .strict();

const rsvParam = z.object({ rsv_id: z.coerce.number().int().positive().max(2_147_483_647) }).strict();

function toOriginal(r: TicketReservationView) {
  const when = zonedParts(new Date(r.startsAt), r.timezone);
  const created = zonedParts(new Date(r.createdAt), r.timezone);
  return {
    reservationId: r.id,
    performanceId: r.eventCode,
    performanceTitle: r.eventTitle,
    reservationTicketCount: r.quantity,
    reservationDate: when.date,
    reservationTime: when.time,
    reservationPrice: r.unitPrice,
    reservationTotalPrice: r.totalPrice,
    reservationPoster: r.posterUrl,
    memberEmail: r.email,
    reservationDeleted: r.deleted ? 'Y' : 'N',
    reservationCreateAt: `${created.date}T${created.time}:${created.second}`,
  };
}

/** Resolves the original API's performanceId + date + time + price to a ticket type, checking title and price. */
export async function resolveOriginal(
  d: TicketsDeps,
  input: {
    performanceId: string;
    performanceTitle: string;
    reservationDate: string;
    reservationTime: string;
    reservationPrice: number;
    reservationTicketCount: number;
  },
): Promise<{ ticketTypeId: string }> {
  let event: EventView;
  try {
    event = await getEvent(d, input.performanceId);
  } catch (err) {
    if (err instanceof AppError && err.status === 404)
      throw new AppError(404, `no performance ${input.performanceId}`, {
        errors: [{ path: 'body.performanceId', message: 'unknown performance' }],
      });
    throw err;
  }
  if (event.title.trim() !== input.performanceTitle.trim()) {
    throw invalidField('body.performanceTitle', `does not match the performance title "${event.title}"`);
  }
  const startsAt = zonedToInstant(input.reservationDate, input.reservationTime, event.timezone);
  const showtime = event.showtimes.find((s) => new Date(s.startsAt).getTime() === startsAt.getTime());
  if (!showtime) {
    const times = event.showtimes.map((s) => {
      const at = zonedParts(new Date(s.startsAt), event.timezone);
      return `${at.date} ${at.time}`;
    });
    throw invalidField(
      'body.reservationTime',
      `no showtime at ${input.reservationDate} ${input.reservationTime} (${event.timezone}); showtimes: ${times.join(', ') || 'none'}`,
    );
  }
  if (showtime.past) throw invalidField('body.reservationDate', 'this showtime has already started');
  const candidates = showtime.ticketTypes.filter((t) => t.price === input.reservationPrice);
  if (candidates.length === 0) {
    throw invalidField(
      'body.reservationPrice',
      `does not match a ticket price of this showtime (${showtime.ticketTypes.map((t) => t.price).join(', ')})`,
    );
  }
  const fit = candidates.find((t) => t.available >= input.reservationTicketCount) ?? candidates[0];
  return { ticketTypeId: fit.id };
}

const none = (reply: FastifyReply) => envelope(reply, 202, NONE);

export function originalReservationRoutes(app: App, auth: Auth, tickets: Tickets) {
  const tags = ['original reservation API'];
  const loggedIn = auth.guard();

  app.post(
    '/reservation/create',
    { onRequest: loggedIn, schema: { tags, summary: 'Reserve (one step)', body: createBody } },
    async (req, reply) => {
      const user = await auth.require(req);
      const b = req.body;
      if (b.memberEmail.toLowerCase() !== user.email.toLowerCase()) {
        throw new AppError(403, 'memberEmail must be the e-mail of the logged-in member', {
          errors: [{ path: 'body.memberEmail', message: 'not the logged-in member' }],
        });
      }
      const { ticketTypeId } = await tickets.resolveOriginal(b);
      const r = await tickets.reserve(user, {
        ticketTypeId,
        quantity: b.reservationTicketCount,
        source: 'api',
      });
      return envelope(reply, 200, SUCCESS, toOriginal(r));
    },
  );

  app.get(
    '/reservation/lists',
    { onRequest: loggedIn, schema: { tags, summary: 'My reservations, cancelled ones marked Y' } },
    async (req, reply) => {
      const list = await tickets.myReservations(await auth.require(req));
      return list.length ? envelope(reply, 200, SUCCESS, list.map(toOriginal)) : none(reply);
    },
  );

  app.get(
    '/reservation/list/:rsv_id',
    { onRequest: loggedIn, schema: { tags, params: rsvParam } },
    async (req, reply) => {
      const user = await auth.require(req);
      try {
        return envelope(reply, 200, SUCCESS, toOriginal(await tickets.reservation(user, req.params.rsv_id)));
      } catch (err) {
        if (err instanceof AppError && err.status === 404) return none(reply);
        throw err;
      }
    },
  );

  app.delete(
    '/reservation/delete/:rsv_id',
    { onRequest: loggedIn, schema: { tags, params: rsvParam } },
    async (req, reply) => {
      const user = await auth.require(req);
      let current: TicketReservationView;
      try {
        current = await tickets.reservation(user, req.params.rsv_id);
      } catch (err) {
        if (err instanceof AppError && err.status === 404) return none(reply);
        throw err;
      }
      // Cancelling twice finds nothing live to cancel, as in the original.
      if (current.deleted) return none(reply);
      return envelope(reply, 200, SUCCESS, toOriginal(await tickets.cancel(user, req.params.rsv_id)));
    },
  );
}
