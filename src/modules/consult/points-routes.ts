import { z } from 'zod';
import type { Auth } from '../../platform/auth/service.ts';
import { invalidField } from '../../platform/errors.ts';
import { type App, envelope, ok } from '../../platform/http/app.ts';
import { msg } from '../../platform/messages/index.ts';
import { RULES } from '../../platform/ratelimit.ts';
import type { PointItems } from './points.ts';
import type { Purchases } from './purchases.ts';
import { PURCHASE_STATES } from './schema.ts';
import type { Settlement } from './settlement.ts';

const tags = ['consult'];
const adminTags = ['admin', 'consult'];
const idParams = z.object({ id: z.uuid('not an id') });
const orderParams = z.object({ orderId: z.uuid('not an order id') });

/** 10000000 → "10,000,000" (toLocaleString would load ICU's number data at start). */
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

const whole = (what: string, min: number, max: number) =>
  z
    .number()
    .int(`whole ${what}`)
    .min(min, `at least ${grouped(min)}`)
    .max(max, `at most ${grouped(max)}`);

const itemFields = {
  name: z.string().trim().min(1, 'required').max(40, 'at most 40 characters'),
  price: whole('won', 100, 10_000_000),
  points: whole('points', 1, 100_000_000),
  bonus: whole('points', 0, 100_000_000),
  active: z.boolean(),
  position: whole('number', 0, 10_000),
};
const newItem = z
  .object({
    ...itemFields,
    bonus: itemFields.bonus.default(0),
    active: itemFields.active.default(true),
    position: itemFields.position.default(0),
  })
  .strict();
const itemPatch = z.object(itemFields).partial().strict();

/** A day in Korea (YYYY-MM-DD) as the instant it starts there. */
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const kstDay = (d: string, field: string, plusDays = 0): Date => {
  const at = new Date(`${d}T00:00:00+09:00`);
  if (!DAY.test(d) || Number.isNaN(at.getTime())) throw invalidField(field, msg('consult.date_format'));
  return new Date(at.getTime() + plusDays * 86_400_000);
};
const day = z.string().regex(DAY, 'a date YYYY-MM-DD');

const pageQuery = {
  before: z.iso.datetime({ offset: true, message: 'an ISO date-time' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

/**
 * Points over HTTP: the shop's items, checkout (→ the gateway's page), the buyer's purchases and the
 * one a payment result belongs to; for admins the point items, every purchase with filters, the
 * refund and the settlement report (JSON or CSV).
 */
export function pointsRoutes(
  app: App,
  auth: Auth,
  d: { items: PointItems; purchases: Purchases; settlement: Settlement },
) {
  const loggedIn = auth.guard();
  const admins = auth.guard(['admin']);

  app.get(
    '/api/consult/point-items',
    { schema: { tags, summary: 'The point items on sale, in the shop’s order' } },
    async (_req, reply) => ok(reply, { items: await d.items.list({ activeOnly: true }) }),
  );

  app.post(
    '/api/consult/points/checkout',
    {
      onRequest: loggedIn,
      config: { rateLimit: RULES.paymentOrderUser },
      schema: {
        tags,
        summary: 'Buy a point item: answers the gateway page to open (device mobile: the phone page)',
        body: z
          .object({ itemId: z.string().max(64), device: z.enum(['pc', 'mobile']).default('pc') })
          .strict(),
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      const started = await d.purchases.checkout({
        userId: user.id,
        itemId: req.body.itemId,
        device: req.body.device,
        ip: req.ip,
      });
      return envelope(reply, 201, 'purchase started', started);
    },
  );

  app.get(
    '/api/consult/purchases',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'Your point purchases, newest first',
        querystring: z.object(pageQuery).strict(),
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      const purchases = await d.purchases.mine(user.id, {
        before: req.query.before ? new Date(req.query.before) : undefined,
        limit: req.query.limit,
      });
      return ok(reply, { purchases });
    },
  );

  app.get(
    '/api/consult/purchases/order/:orderId',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'The purchase a payment order pays (its buyer or an admin)',
        params: orderParams,
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      return ok(reply, { purchase: await d.purchases.byOrder(user, req.params.orderId) });
    },
  );

  app.get(
    '/api/consult/admin/point-items',
    { onRequest: admins, schema: { tags: adminTags, summary: 'Every point item, active or not' } },
    async (_req, reply) => ok(reply, { items: await d.items.list({ activeOnly: false }) }),
  );

  app.post(
    '/api/consult/admin/point-items',
    { onRequest: admins, schema: { tags: adminTags, summary: 'Add a point item', body: newItem } },
    async (req, reply) => {
      await auth.require(req, ['admin']);
      return envelope(reply, 201, 'point item added', { item: await d.items.create(req.body) });
    },
  );

  app.patch(
    '/api/consult/admin/point-items/:id',
    {
      onRequest: admins,
      schema: { tags: adminTags, summary: 'Change a point item', params: idParams, body: itemPatch },
    },
    async (req, reply) => {
      await auth.require(req, ['admin']);
      return ok(reply, { item: await d.items.update(req.params.id, req.body) }, 'point item saved');
    },
  );

  app.get(
    '/api/consult/admin/purchases',
    {
      onRequest: admins,
      schema: {
        tags: adminTags,
        summary:
          'Every point purchase, newest first: by state, buyer e-mail (part of it), days from–to (KST)',
        querystring: z
          .object({
            state: z.enum(PURCHASE_STATES).optional(),
            email: z.string().trim().min(1).max(200).optional(),
            from: day.optional(),
            to: day.optional(),
            ...pageQuery,
          })
          .strict(),
      },
    },
    async (req, reply) => {
      const q = req.query;
      const from = q.from ? kstDay(q.from, 'querystring.from') : undefined;
      const to = q.to ? kstDay(q.to, 'querystring.to', 1) : undefined;
      if (from && to && to <= from) throw invalidField('querystring.to', msg('consult.to_after_from'));
      const page = await d.purchases.list({
        state: q.state,
        email: q.email,
        from,
        to,
        before: q.before ? new Date(q.before) : undefined,
        limit: q.limit,
      });
      return ok(reply, page);
    },
  );

  app.post(
    '/api/consult/admin/purchases/:id/refund',
    {
      onRequest: admins,
      schema: {
        tags: adminTags,
        summary: 'Refund a credited purchase: cancelled at the gateway, its unspent paid points taken back',
        params: idParams,
      },
    },
    async (req, reply) => {
      const admin = await auth.require(req, ['admin']);
      return ok(reply, { purchase: await d.purchases.refund(admin, req.params.id, req.id) }, 'refunded');
    },
  );

  app.get(
    '/api/consult/admin/settlement',
    {
      onRequest: admins,
      schema: {
        tags: adminTags,
        summary:
          'Points each counselor earned in the days from–to (KST, both included); format=csv downloads it',
        querystring: z
          .object({ from: day, to: day, format: z.enum(['json', 'csv']).default('json') })
          .strict(),
      },
    },
    async (req, reply) => {
      const q = req.query;
      const from = kstDay(q.from, 'querystring.from');
      const to = kstDay(q.to, 'querystring.to', 1);
      if (to <= from) throw invalidField('querystring.to', msg('consult.to_after_from'));
      if (to.getTime() - from.getTime() > 366 * 86_400_000)
        throw invalidField('querystring.to', msg('consult.range_year'));
      const report = await d.settlement.report(from, to);
      if (q.format === 'json') return ok(reply, report);
      reply.header('content-disposition', `attachment; filename="settlement-${q.from}-${q.to}.csv"`);
      return reply.type('text/csv; charset=utf-8').send(d.settlement.csv(report));
    },
  );
}
