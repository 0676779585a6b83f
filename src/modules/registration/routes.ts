import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Auth } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { toCsv, toNdjson } from '../../platform/csv.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { type App, envelope, ok } from '../../platform/http/app.ts';
import { checkRange } from './reports.ts';
import type { Registration } from './service.ts';
import type { RegistrationEventInput } from './settings.ts';
import { parseKktixWebhook } from './sources/kktix.ts';
import { SyncBusy } from './sync.ts';

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2000);

const eventInputSchema = z
  .object({
    slug: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$/, 'letters, digits, - and _, 2 to 64 characters'),
    name: z.string().trim().min(1).max(200),
    source: z.enum(['kktix', 'tickets']),
    kktix: z
      .object({
        baseUrl: httpUrl,
        eventId: z
          .string()
          .trim()
          .regex(/^\d{1,20}$/, 'must be the numeric KKTIX event id'),
        token: z.string().trim().min(8).max(500).optional(),
      })
      .strict()
      .optional(),
    ticketsEventId: z.uuid().optional(),
    backfill: z.boolean().optional(),
    pollMinutes: z
      .number()
      .min(0.05, 'at least 3 seconds')
      .max(24 * 60)
      .optional(),
    startsAt: z.iso
      .datetime({ offset: true })
      .transform((s) => new Date(s))
      .nullable()
      .optional(),
    venueLink: httpUrl.nullable().optional(),
    timezone: z.string().max(64).optional(),
    quotas: z.record(z.string().max(200), z.number().int().min(0).max(10_000_000)).optional(),
    gather: z
      .object({
        enabled: z.boolean(),
        baseUrl: httpUrl.optional(),
        spaceId: z.string().trim().max(200).optional(),
        apiKey: z.string().trim().min(4).max(500).optional(),
        allowRemoval: z.boolean().optional(),
      })
      .strict()
      .optional(),
    mail: z
      .object({
        enabled: z.boolean(),
        subject: z.string().max(300).optional(),
        template: z.string().max(50_000).optional(),
      })
      .strict()
      .optional(),
    discord: z.object({ enabled: z.boolean(), webhookUrl: httpUrl.optional() }).strict().optional(),
    discordGuildId: z
      .string()
      .trim()
      .regex(/^\d{15,21}$/, 'a Discord server id: 15 to 21 digits (Server Settings → Copy Server ID)')
      .nullable()
      .optional(),
    deidentify: z
      .object({
        paidAt: z.enum(['hour', 'exact']).optional(),
        safeQuestions: z.array(z.string().max(1000)).max(200).optional(),
      })
      .strict()
      .optional(),
    bigquery: z
      .object({
        projectId: z.string().regex(/^[a-z][a-z0-9-]{4,29}$/, 'a Google Cloud project id'),
        datasetId: z.string().regex(/^\w{1,1024}$/, 'letters, digits and _'),
        tableId: z.string().regex(/^[\w-]{1,1024}$/, 'letters, digits, - and _'),
        location: z.string().max(64).optional(),
        apiEndpoint: httpUrl.optional(),
      })
      .strict()
      .nullable()
      .optional(),
  })
  .strict();

const idParam = z.object({ id: z.uuid('must be an id (UUID)') }).strict();
const rangeQuery = z
  .object({ from: z.string().max(10).optional(), to: z.string().max(10).optional() })
  .strict();

export function registrationRoutes(app: App, ctx: Context, auth: Auth, reg: Registration) {
  const organizer = ['organizer', 'admin'] as const;
  const guard = auth.guard(organizer);
  const tags = ['registration'];

  app.get(
    '/api/registration/events',
    { schema: { tags, summary: 'Registrations I follow' }, preHandler: guard },
    async (req, reply) => {
      const actor = await auth.require(req, organizer);
      const list = await reg.list(actor);
      return ok(reply, { events: list.map((e) => reg.view(e)) });
    },
  );

  app.post(
    '/api/registration/events',
    {
      schema: { tags, summary: 'Follow a registration (KKTIX or a yeyak event)', body: eventInputSchema },
      preHandler: guard,
    },
    async (req, reply) => {
      const actor = await auth.require(req, organizer);
      const ev = await reg.create(actor, req.body as RegistrationEventInput);
      return envelope(reply, 201, 'created', { event: await reg.detail(ev) });
    },
  );

  app.get(
    '/api/registration/events/:id',
    { schema: { tags, summary: 'Settings and sync status', params: idParam }, preHandler: guard },
    async (req, reply) => {
      const ev = await reg.owned(await auth.require(req, organizer), req.params.id);
      return ok(reply, { event: await reg.detail(ev) });
    },
  );

  app.put(
    '/api/registration/events/:id',
    {
      schema: {
        tags,
        summary: 'Change settings; omitted secrets are kept',
        params: idParam,
        body: eventInputSchema,
      },
      preHandler: guard,
    },
    async (req, reply) => {
      const ev = await reg.update(
        await auth.require(req, organizer),
        req.params.id,
        req.body as RegistrationEventInput,
      );
      return ok(reply, { event: await reg.detail(ev) });
    },
  );

  app.post(
    '/api/registration/events/:id/test',
    {
      schema: { tags, summary: 'Test the saved KKTIX connection now', params: idParam },
      preHandler: guard,
    },
    async (req, reply) => {
      const ev = await reg.testConnection(await auth.require(req, organizer), req.params.id);
      const check = ev.settings.kktixCheck;
      return ok(
        reply,
        { event: await reg.detail(ev) },
        check?.state === 'ok' ? 'KKTIX answered' : 'KKTIX could not be reached',
      );
    },
  );

  app.post(
    '/api/registration/events/:id/sync',
    { schema: { tags, summary: 'Sync now', params: idParam }, preHandler: guard },
    async (req, reply) => {
      const ev = await reg.owned(await auth.require(req, organizer), req.params.id);
      if (ev.source !== 'kktix')
        return ok(reply, { sync: { status: 'skipped' } }, 'this source pushes its changes');
      // A poll running right now usually ends within seconds: wait for it rather than refuse.
      for (let attempt = 0; ; attempt++) {
        try {
          const sync = await reg.sync(ev.id, 'manual');
          return ok(reply, { sync });
        } catch (err) {
          if (!(err instanceof SyncBusy)) throw err;
          if (attempt >= 40) return envelope(reply, 409, 'a sync is already running; try again in a minute');
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    },
  );

  app.get(
    '/api/registration/events/:id/attendees',
    {
      schema: {
        tags,
        summary: 'Attendees with their action states (raw data; every view is audited)',
        params: idParam,
        querystring: z
          .object({
            limit: z.coerce.number().int().min(1).max(1000).optional(),
            offset: z.coerce.number().int().min(0).optional(),
          })
          .strict(),
      },
      preHandler: guard,
    },
    async (req, reply) => {
      const data = await reg.attendees(await auth.require(req, organizer), req.params.id, req.query);
      return ok(reply, data);
    },
  );

  app.post(
    '/api/registration/events/:id/attendees/:attendee/retry',
    {
      schema: {
        tags,
        summary: "Retry an attendee's failed actions",
        params: z.object({ id: z.uuid(), attendee: z.string().min(1).max(100) }).strict(),
      },
      preHandler: guard,
    },
    async (req, reply) => {
      const actions = await reg.retry(await auth.require(req, organizer), req.params.id, req.params.attendee);
      return envelope(reply, 202, actions.length ? 'queued' : 'nothing to retry', { actions });
    },
  );

  app.get(
    '/api/registration/events/:id/sales',
    {
      schema: {
        tags,
        summary: 'Sold tickets per day and ticket type',
        params: idParam,
        querystring: rangeQuery,
      },
      preHandler: guard,
    },
    async (req, reply) => {
      const ev = await reg.owned(await auth.require(req, organizer), req.params.id);
      const { from, to } = req.query;
      if ((from && !to) || (!from && to)) {
        const message = 'give both from and to, or neither';
        throw badRequest(message, [
          { path: 'querystring.from', message },
          { path: 'querystring.to', message },
        ]);
      }
      if (from && to) checkRange(from, to, 'querystring');
      return ok(reply, { sales: await reg.sales(ev, from && to ? { from, to } : undefined) });
    },
  );

  app.get(
    '/api/registration/events/:id/report.csv',
    {
      schema: {
        tags,
        summary: 'The /event report CSV: ticket types × days, with totals',
        params: idParam,
        querystring: z.object({ from: z.string().max(10), to: z.string().max(10) }).strict(),
      },
      preHandler: guard,
    },
    async (req, reply) => {
      const ev = await reg.owned(await auth.require(req, organizer), req.params.id);
      checkRange(req.query.from, req.query.to, 'querystring');
      const csv = await reg.reportCsv(ev, req.query.from, req.query.to);
      reply.header(
        'content-disposition',
        `attachment; filename="${ev.slug}-${req.query.from}-${req.query.to}.csv"`,
      );
      return reply.type('text/csv; charset=utf-8').send(csv);
    },
  );

  app.get(
    '/api/registration/events/:id/export',
    {
      schema: {
        tags,
        summary: 'Download attendees: de-identified (default) or raw (audited), as CSV or NDJSON',
        params: idParam,
        querystring: z
          .object({
            format: z.enum(['csv', 'ndjson']).default('csv'),
            kind: z.enum(['deidentified', 'raw']).default('deidentified'),
          })
          .strict(),
      },
      preHandler: guard,
    },
    async (req, reply) => {
      const actor = await auth.require(req, organizer);
      const ev = await reg.owned(actor, req.params.id);
      const { format, kind } = req.query;
      const rows = await reg.exportRows(actor, ev, kind, format);
      const name = `${ev.slug}-${kind}.${format}`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      return format === 'csv'
        ? reply.type('text/csv; charset=utf-8').send(toCsv(rows))
        : reply.type('application/x-ndjson; charset=utf-8').send(toNdjson(rows));
    },
  );

  app.get(
    '/api/registration/events/:id/bigquery/columns',
    {
      schema: {
        tags,
        summary: 'The form questions, and how the export columns are named in BigQuery',
        params: idParam,
      },
      preHandler: guard,
    },
    async (req, reply) => {
      const ev = await reg.owned(await auth.require(req, organizer), req.params.id);
      return ok(reply, await reg.exportColumns(ev));
    },
  );

  app.post(
    '/api/registration/events/:id/export/bigquery',
    {
      schema: { tags, summary: 'Load the de-identified rows into BigQuery (load job)', params: idParam },
      preHandler: guard,
    },
    async (req, reply) => {
      const actor = await auth.require(req, organizer);
      const ev = await reg.owned(actor, req.params.id);
      return ok(reply, { load: await reg.exportToBigQuery(actor, ev) }, 'loaded');
    },
  );

  app.get(
    '/api/registration/events/:id/audit',
    { schema: { tags, summary: 'Who viewed or exported raw data', params: idParam }, preHandler: guard },
    async (req, reply) => {
      const ev = await reg.owned(await auth.require(req, organizer), req.params.id);
      return ok(reply, { audit: await reg.auditLog(ev.id) });
    },
  );

  // KKTIX webhook: the secret in the path names the event. KKTIX documents batched POSTs but not
  // their body or content type, so any type is read as JSON text; the whole batch is checked before
  // anything happens, then a sync reads the truth from the API (see parseKktixWebhook).
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post(
      '/api/registration/kktix/webhook/:secret',
      {
        schema: {
          tags,
          summary: 'KKTIX order webhook (batched; a trigger for an immediate sync)',
          params: z.object({ secret: z.string().min(16).max(100) }).strict(),
        },
      },
      async (req, reply) => {
        const ev = await reg.eventByWebhook(req.params.secret);
        if (!ev) throw notFound('webhook');
        const batch = parseKktixWebhook(Buffer.isBuffer(req.body) ? req.body : '');
        const kktixId = Number(ev.settings.kktix?.eventId);
        const others = batch.orders.filter((o) => o.eventId !== undefined && o.eventId !== kktixId);
        await reg.requestSync(ev.id, 'webhook');
        ctx.log.info({ event: ev.slug, orders: batch.orders.length }, 'kktix webhook');
        return envelope(reply, 202, 'sync queued', {
          orders: batch.orders.length,
          ignored: others.map((o) => o.orderNo ?? null),
        });
      },
    );
  });
}
