import { z } from 'zod';
import type { Auth } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { type App, envelope, ok } from '../../platform/http/app.ts';
import { CHANNELS } from '../../platform/notify/index.ts';
import { TRAIN_GROUPS } from './providers/index.ts';
import type { Rail } from './service.ts';
import { normalizeDate, normalizeTime } from './time.ts';

const provider = z.enum(['srt', 'korail'], 'must be srt or korail');
const date = z.string().transform((v, c) => {
  const d = normalizeDate(v);
  if (!d) c.addIssue({ code: 'custom', message: 'must be a date YYYYMMDD or YYYY-MM-DD' });
  return d ?? '';
});
const time = z.string().transform((v, c) => {
  const t = normalizeTime(v);
  if (!t) c.addIssue({ code: 'custom', message: 'must be a time HH:mm, HHmm or HHmmss' });
  return t ?? '';
});
const station = z.string().trim().min(1, 'required').max(40);
const count = z.number().int('must be a whole number').min(0, 'must be ≥ 0').max(9, 'at most 9');
const passengers = z
  .object({
    adult: count.optional(),
    child: count.optional(),
    senior: count.optional(),
    disability1to3: count.optional(),
    disability4to6: count.optional(),
    /** 동반유아: Korail only. */
    toddler: count.optional(),
  })
  .strict();
const seatPolicy = z.enum(['general-only', 'special-only', 'general-first', 'special-first']);
const seatPosition = z.enum(['any', 'window', 'aisle']);
const seatDirection = z.enum(['any', 'forward', 'backward']);
const trainNo = z
  .string()
  .trim()
  .regex(/^\d{1,5}$/, 'must be a train number (digits)');
const trainTypes = z
  .array(z.enum(TRAIN_GROUPS, `must be one of ${TRAIN_GROUPS.join(', ')}`))
  .min(1, 'pick at least one train type, or leave it out for all')
  .max(TRAIN_GROUPS.length);
const idParam = z.object({ id: z.uuid('must be an id (UUID)') }).strict();

const watchFields = {
  timeFrom: time.optional(),
  timeTo: time.optional(),
  trainNo: trainNo.nullable().optional(),
  /** Several trains, preferred in this order (the first with seats is taken). */
  trainNos: z
    .array(trainNo)
    .min(1, 'name at least one train')
    .max(10, 'at most 10 trains')
    .nullable()
    .optional(),
  trainTypes: trainTypes.nullable().optional(),
  passengers,
  seatPolicy: seatPolicy.optional(),
  seatPosition: seatPosition.optional(),
  seatDirection: seatDirection.optional(),
  startAt: z.iso
    .datetime({ offset: true, message: 'must be an ISO date-time with offset' })
    .transform((s) => new Date(s))
    .nullable()
    .optional(),
  selection: z.enum(['earliest', 'latest', 'random']).optional(),
  standby: z.boolean().optional(),
  notify: z
    .array(z.enum(CHANNELS as [string, ...string[]]))
    .max(CHANNELS.length)
    .optional(),
  deadline: z.iso
    .datetime({ offset: true, message: 'must be an ISO date-time with offset' })
    .transform((s) => new Date(s))
    .nullable()
    .optional(),
  stopBeforeMinutes: z.number().int().min(0).max(1440).optional(),
};
const watchBody = z.object({ provider, from: station, to: station, date, ...watchFields }).strict();
const watchPatch = z.object({ ...watchFields, passengers: passengers.optional() }).strict();

export function railRoutes(app: App, ctx: Context, auth: Auth, rail: Rail) {
  const loggedIn = auth.guard();
  const tags = ['rail'];

  app.get(
    '/api/rail/providers',
    {
      schema: {
        tags,
        summary: 'Operators, whether this server talks to the sandbox stand-in, and any pause after a block',
      },
    },
    async (_req, reply) => ok(reply, { sandbox: rail.sandbox, providers: await rail.providers() }),
  );

  app.get(
    '/api/rail/stations',
    {
      schema: {
        tags,
        summary: "An operator's station names",
        querystring: z.object({ provider }).strict(),
      },
    },
    async (req, reply) => {
      const list = await rail.newProvider(req.query.provider).stations();
      return ok(reply, { stations: list.map((s) => s.name) });
    },
  );

  app.post(
    '/api/rail/search',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'Trains with availability per class',
        body: z
          .object({
            provider,
            from: station,
            to: station,
            date,
            time: time.optional(),
            passengers: passengers.optional(),
            trainTypes: trainTypes.optional(),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      await auth.require(req);
      return ok(reply, { sandbox: rail.sandbox, ...(await rail.search(req.body)) });
    },
  );

  app.post(
    '/api/rail/reserve',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'Reserve a train that has seats now (pay in the operator app)',
        body: z
          .object({
            provider,
            from: station,
            to: station,
            date,
            trainNo,
            passengers,
            seatPolicy: seatPolicy.optional(),
            seatPosition: seatPosition.optional(),
            seatDirection: seatDirection.optional(),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      const r = await rail.reserve(await auth.require(req), req.body);
      return envelope(reply, 201, 'reserved: pay in the operator app before the deadline', {
        reservation: r,
      });
    },
  );

  // ---- accounts
  app.get(
    '/api/rail/accounts',
    { onRequest: loggedIn, schema: { tags, summary: 'My operator accounts (never the password)' } },
    async (req, reply) => ok(reply, { accounts: await rail.accounts(await auth.require(req)) }),
  );

  app.put(
    '/api/rail/accounts/:provider',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'Save an operator login (checked with the operator, stored encrypted)',
        params: z.object({ provider }).strict(),
        body: z
          .object({
            id: z.string().trim().min(1, 'required').max(100),
            password: z.string().min(1, 'required').max(100),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      const account = await rail.saveAccount(user, req.params.provider, req.body.id, req.body.password);
      return ok(reply, { account }, 'account saved');
    },
  );

  app.delete(
    '/api/rail/accounts/:provider',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'Forget an operator login (stops its watches)',
        params: z.object({ provider }).strict(),
      },
    },
    async (req, reply) => {
      await rail.deleteAccount(await auth.require(req), req.params.provider);
      return ok(reply, undefined, 'account removed');
    },
  );

  // ---- notification channels
  app.get(
    '/api/rail/notifications',
    { onRequest: loggedIn, schema: { tags, summary: 'My notification channels' } },
    async (req, reply) => ok(reply, { settings: await rail.notifySettings(await auth.require(req)) }),
  );

  app.put(
    '/api/rail/notifications',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'Set notification channels once (webhook URLs are stored encrypted)',
        body: z
          .object({
            email: z.boolean().optional(),
            discordWebhook: z.string().max(500).nullable().optional(),
            slackWebhook: z.string().max(500).nullable().optional(),
            telegramChatId: z
              .string()
              .regex(/^-?\d{1,20}$|^@[A-Za-z0-9_]{4,32}$/, 'must be a chat id or @channel')
              .nullable()
              .optional(),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      const b = req.body;
      const errors = ctx.notify.settings.problems(b);
      if (errors.length)
        return envelope(reply, 400, `invalid ${errors[0].path}: ${errors[0].message}`, { errors });
      return ok(reply, { settings: await rail.saveNotifySettings(user, b) }, 'saved');
    },
  );

  // ---- watches
  app.get(
    '/api/rail/watches',
    { onRequest: loggedIn, schema: { tags, summary: 'My watches with their live state' } },
    async (req, reply) => ok(reply, { watches: await rail.watches(await auth.require(req)) }),
  );

  app.post(
    '/api/rail/watches',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'Watch one train, or every train in a time window, until a seat frees up',
        body: watchBody,
      },
    },
    async (req, reply) => {
      const w = await rail.createWatch(await auth.require(req), req.body);
      return envelope(reply, 201, 'watching', { watch: w });
    },
  );

  app.get(
    '/api/rail/watches/:id',
    { onRequest: loggedIn, schema: { tags, params: idParam } },
    async (req, reply) => ok(reply, { watch: await rail.watch(await auth.require(req), req.params.id) }),
  );

  app.patch(
    '/api/rail/watches/:id',
    {
      onRequest: loggedIn,
      schema: { tags, summary: 'Edit a live watch', params: idParam, body: watchPatch },
    },
    async (req, reply) =>
      ok(
        reply,
        { watch: await rail.editWatch(await auth.require(req), req.params.id, req.body) },
        'watch updated',
      ),
  );

  app.post(
    '/api/rail/watches/:id/stop',
    { onRequest: loggedIn, schema: { tags, summary: 'Stop a watch', params: idParam } },
    async (req, reply) =>
      ok(reply, { watch: await rail.stopWatch(await auth.require(req), req.params.id) }, 'watch stopped'),
  );

  app.delete(
    '/api/rail/watches/:id',
    { onRequest: loggedIn, schema: { tags, summary: 'Stop and delete a watch', params: idParam } },
    async (req, reply) => {
      await rail.deleteWatch(await auth.require(req), req.params.id);
      return ok(reply, undefined, 'watch deleted');
    },
  );

  // ---- reservations
  app.get(
    '/api/rail/reservations',
    { onRequest: loggedIn, schema: { tags, summary: 'My rail reservations with payment deadlines' } },
    async (req, reply) => ok(reply, { reservations: await rail.reservations(await auth.require(req)) }),
  );

  app.delete(
    '/api/rail/reservations/:id',
    {
      onRequest: loggedIn,
      schema: { tags, summary: 'Cancel an unpaid reservation at the operator', params: idParam },
    },
    async (req, reply) =>
      ok(
        reply,
        { reservation: await rail.cancelReservation(await auth.require(req), req.params.id) },
        'reservation cancelled',
      ),
  );
}
