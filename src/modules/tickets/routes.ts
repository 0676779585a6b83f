import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ownerFilter } from '../../platform/access.ts';
import type { Auth } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { type App, envelope, ok } from '../../platform/http/app.ts';
import type { CsvDownload } from './exports.ts';
import type { TicketReservationView, Tickets } from './service.ts';

const uuid = z.uuid('must be an id (UUID)');
const quantity = z
  .number()
  .int('must be a whole number')
  .min(1, 'at least 1')
  .max(20, 'at most 20 per order');

const ticketTypeInput = z
  .object({
    id: uuid.optional(),
    name: z.string().trim().min(1).max(60),
    price: z.number().int().min(0).max(10_000_000),
    quota: z.number().int().min(1, 'at least 1').max(100_000),
  })
  .strict();

const showtimeInput = z
  .object({
    id: uuid.optional(),
    startsAt: z.iso
      .datetime({
        offset: true,
        message: 'must be an ISO date-time with offset, e.g. 2026-12-24T19:30:00+09:00',
      })
      .transform((s) => new Date(s)),
    ticketTypes: z.array(ticketTypeInput).min(1).max(20),
  })
  .strict();

const eventInput = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{2,32}$/, 'letters, digits, - and _, 2 to 32 characters'),
    title: z.string().trim().min(1).max(200),
    posterUrl: z.url().max(2000).nullable().optional(),
    venue: z.string().trim().max(200).nullable().optional(),
    description: z.string().max(10_000).nullable().optional(),
    timezone: z.string().max(64).optional(),
    showtimes: z.array(showtimeInput).min(1).max(100),
  })
  .strict();

/** A CSV download under the name the use case chose (event code and dates). */
function sendCsv(reply: FastifyReply, file: CsvDownload) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .send(file.csv);
}

const idParam = z.object({ id: uuid }).strict();
const reservationParam = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) }).strict();

export function ticketRoutes(app: App, _ctx: Context, auth: Auth, tickets: Tickets) {
  const organizer = ['organizer', 'admin'] as const;
  const loggedIn = auth.guard();
  const organizerOnly = auth.guard(organizer);
  const withCode = (r: TicketReservationView) => ({
    ...r,
    ticketCode: r.deleted ? null : tickets.ticketCode(r.id),
  });

  // ---- catalogue
  app.get(
    '/api/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Events with showtimes still to come',
        querystring: z.object({}).strict(),
      },
    },
    async (_req, reply) => ok(reply, { events: await tickets.listEvents() }),
  );

  app.get(
    '/api/events/:idOrCode',
    {
      schema: {
        tags: ['events'],
        summary: 'One event with showtimes and availability',
        params: z.object({ idOrCode: z.string().min(1).max(64) }).strict(),
      },
    },
    async (req, reply) => ok(reply, { event: await tickets.getEvent(req.params.idOrCode) }),
  );

  app.post(
    '/api/events',
    {
      onRequest: organizerOnly,
      schema: { tags: ['events'], summary: 'Create an event (organiser)', body: eventInput },
    },
    async (req, reply) => {
      const user = await auth.require(req, [...organizer]);
      return envelope(reply, 201, 'event created', { event: await tickets.createEvent(user, req.body) });
    },
  );

  app.put(
    '/api/events/:id',
    {
      onRequest: organizerOnly,
      schema: {
        tags: ['events'],
        summary: 'Edit an event (its organiser)',
        params: idParam,
        body: eventInput,
      },
    },
    async (req, reply) => {
      const user = await auth.require(req, [...organizer]);
      return ok(reply, { event: await tickets.updateEvent(user, req.params.id, req.body) }, 'event updated');
    },
  );

  app.get(
    '/api/organizer/events',
    { onRequest: organizerOnly, schema: { tags: ['organiser'], summary: 'Events I organise (admins: all)' } },
    async (req, reply) => {
      const user = await auth.require(req, [...organizer]);
      const list = await tickets.listEvents({
        organizerId: ownerFilter(user),
        includePast: true,
      });
      return ok(reply, { events: list });
    },
  );

  app.get(
    '/api/organizer/events/:id/sales',
    {
      onRequest: organizerOnly,
      schema: {
        tags: ['organiser'],
        summary: 'Sales per day and ticket type, totals and check-ins',
        params: idParam,
      },
    },
    async (req, reply) =>
      ok(reply, await tickets.sales(await auth.require(req, [...organizer]), req.params.id)),
  );

  app.get(
    '/api/organizer/events/:id/sales.csv',
    {
      onRequest: organizerOnly,
      schema: { tags: ['organiser'], summary: 'Sales per day and ticket type as CSV', params: idParam },
    },
    async (req, reply) =>
      sendCsv(reply, await tickets.salesCsv(await auth.require(req, [...organizer]), req.params.id)),
  );

  app.get(
    '/api/organizer/events/:id/reservations',
    {
      onRequest: organizerOnly,
      schema: {
        tags: ['organiser'],
        summary: 'Every reservation of the event, cancelled ones flagged',
        params: idParam,
      },
    },
    async (req, reply) =>
      ok(reply, {
        reservations: await tickets.eventReservations(await auth.require(req, [...organizer]), req.params.id),
      }),
  );

  app.get(
    '/api/organizer/events/:id/reservations.csv',
    {
      onRequest: organizerOnly,
      schema: { tags: ['organiser'], summary: 'Reservations as CSV', params: idParam },
    },
    async (req, reply) =>
      sendCsv(reply, await tickets.reservationsCsv(await auth.require(req, [...organizer]), req.params.id)),
  );

  // ---- holds (two-step web flow)
  const holdBody = z.object({ ticketTypeId: uuid, quantity }).strict();
  app.post(
    '/api/holds',
    {
      onRequest: loggedIn,
      schema: { tags: ['buying'], summary: 'Hold seats for a while before confirming', body: holdBody },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      return envelope(reply, 201, 'seats held', { hold: await tickets.hold(user, req.body) });
    },
  );

  app.get(
    '/api/holds',
    {
      onRequest: loggedIn,
      schema: { tags: ['buying'], summary: 'My open holds, and those that ran out in the last day' },
    },
    async (req, reply) => ok(reply, { holds: await tickets.myHolds(await auth.require(req)) }),
  );

  app.get(
    '/api/holds/:id',
    { onRequest: loggedIn, schema: { tags: ['buying'], params: idParam } },
    async (req, reply) => ok(reply, { hold: await tickets.getHold(await auth.require(req), req.params.id) }),
  );

  app.post(
    '/api/holds/:id/confirm',
    {
      onRequest: loggedIn,
      schema: { tags: ['buying'], summary: 'Turn a hold into a reservation', params: idParam },
    },
    async (req, reply) => {
      const r = await tickets.confirm(await auth.require(req), req.params.id);
      return envelope(reply, 201, 'reservation confirmed', { reservation: withCode(r) });
    },
  );

  app.delete(
    '/api/holds/:id',
    { onRequest: loggedIn, schema: { tags: ['buying'], summary: 'Give held seats back', params: idParam } },
    async (req, reply) =>
      ok(reply, { hold: await tickets.releaseHold(await auth.require(req), req.params.id) }, 'hold released'),
  );

  // ---- reservations
  app.post(
    '/api/reservations',
    { onRequest: loggedIn, schema: { tags: ['buying'], summary: 'Reserve in one step', body: holdBody } },
    async (req, reply) => {
      const r = await tickets.reserve(await auth.require(req), { ...req.body, source: 'web' });
      return envelope(reply, 201, 'reservation confirmed', { reservation: withCode(r) });
    },
  );

  app.get(
    '/api/reservations',
    { onRequest: loggedIn, schema: { tags: ['buying'], summary: 'My reservations, cancelled ones too' } },
    async (req, reply) => {
      const list = await tickets.myReservations(await auth.require(req));
      return ok(reply, { reservations: list.map(withCode) });
    },
  );

  app.get(
    '/api/reservations/:id',
    { onRequest: loggedIn, schema: { tags: ['buying'], params: reservationParam } },
    async (req, reply) =>
      ok(reply, { reservation: withCode(await tickets.reservation(await auth.require(req), req.params.id)) }),
  );

  app.delete(
    '/api/reservations/:id',
    {
      onRequest: loggedIn,
      schema: { tags: ['buying'], summary: 'Cancel a reservation', params: reservationParam },
    },
    async (req, reply) =>
      ok(
        reply,
        { reservation: withCode(await tickets.cancel(await auth.require(req), req.params.id)) },
        'reservation cancelled',
      ),
  );

  // ---- waiting list
  app.post(
    '/api/waitlist',
    {
      onRequest: loggedIn,
      schema: { tags: ['waiting list'], summary: 'Wait for a sold-out ticket type', body: holdBody },
    },
    async (req, reply) =>
      envelope(reply, 201, 'on the waiting list', {
        entry: await tickets.joinWaitlist(await auth.require(req), req.body),
      }),
  );

  app.get(
    '/api/waitlist',
    { onRequest: loggedIn, schema: { tags: ['waiting list'], summary: 'My waiting list entries' } },
    async (req, reply) => ok(reply, { entries: await tickets.myWaitlist(await auth.require(req)) }),
  );

  app.delete(
    '/api/waitlist/:id',
    {
      onRequest: loggedIn,
      schema: { tags: ['waiting list'], summary: 'Leave the waiting list', params: idParam },
    },
    async (req, reply) =>
      ok(
        reply,
        { entry: await tickets.leaveWaitlist(await auth.require(req), req.params.id) },
        'left the waiting list',
      ),
  );

  // ---- check-in
  app.post(
    '/api/checkin',
    {
      onRequest: organizerOnly,
      schema: {
        tags: ['organiser'],
        summary: 'Check a ticket in by its QR code (organiser of its event)',
        body: z.object({ qr: z.string().trim().min(1).max(200), eventId: uuid.optional() }).strict(),
      },
    },
    async (req, reply) => {
      const staff = await auth.require(req, [...organizer]);
      const r = await tickets.checkIn(staff, req.body.qr, req.body.eventId);
      return ok(reply, { result: r.result, ticket: r.ticket }, r.description);
    },
  );
}
