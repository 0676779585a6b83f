import formbody from '@fastify/formbody';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Auth } from '../auth/service.ts';
import type { Context } from '../context.ts';
import { AppError, invalidField } from '../errors.ts';
import { type App, envelope, ok } from '../http/app.ts';
import { type RateLimiter, RULES } from '../ratelimit.ts';
import { users } from '../schema.ts';
import { PaymentRefusal } from './gateway.ts';
import { ORDER_STATES, type Payments } from './index.ts';

const tags = ['payments'];
const orderParams = z.object({ id: z.uuid('not an order id') });

const newOrder = z
  .object({
    purpose: z.string().trim().min(1).max(40),
    ref: z.string().trim().min(1).max(200),
    amount: z.number().int('whole won').min(1, 'at least 1 won').max(100_000_000, 'at most 100,000,000 won'),
    productName: z.string().trim().min(1).max(100).optional(),
    device: z.enum(['pc', 'mobile']).default('pc'),
  })
  .strict();

const adminQuery = z
  .object({
    state: z.enum(ORDER_STATES).optional(),
    user: z.union([z.uuid(), z.email()], 'a user id or an e-mail address').optional(),
    purpose: z.string().trim().min(1).max(40).optional(),
    before: z.iso.datetime({ offset: true, message: 'an ISO date-time' }).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/** Where the buyer's browser lands after the gateway: the purpose's own result page, else the web app's. */
async function resultPage(payments: Payments, orderId: string | undefined, problem?: string) {
  const id = orderId && /^[0-9a-f-]{36}$/i.test(orderId) ? orderId : 'unknown';
  const order = id === 'unknown' ? undefined : await payments.get(id);
  const own = order ? payments.purpose(order.purpose)?.resultPath : undefined;
  return `${own ? own(id) : `/payments/result/${id}`}${problem ? `?problem=${encodeURIComponent(problem)}` : ''}`;
}

/**
 * Payments over HTTP: a user's own order for a registered purpose, the order's state for its owner,
 * the gateway's callback (server to server), the browser's return and abort, and the admins' list
 * and cancel. Only the return takes a form (@fastify/formbody in its own scope): the gateway posts
 * the browser there; everything else stays JSON.
 */
export function paymentRoutes(app: App, ctx: Context, auth: Auth, payments: Payments, limiter: RateLimiter) {
  app.post(
    '/api/payments/orders',
    {
      onRequest: auth.guard(),
      schema: {
        tags,
        summary: 'Start paying for a registered purpose: answers the gateway page to open',
        body: newOrder,
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      await limiter.consume(RULES.paymentOrderUser, user.id);
      const b = req.body;
      const spec = payments.purpose(b.purpose);
      if (!spec) throw invalidField('purpose', `one of ${payments.purposeNames().join(', ') || '(none)'}`);
      const checked = await spec.check?.({ userId: user.id, ref: b.ref, amount: b.amount });
      const productName = checked?.productName ?? b.productName;
      if (!productName) throw invalidField('productName', 'required');
      const started = await payments.create({
        userId: user.id,
        purpose: b.purpose,
        ref: b.ref,
        amount: b.amount,
        productName,
        device: b.device,
        ip: req.ip,
      });
      return envelope(reply, 201, 'order created', started);
    },
  );

  app.get(
    '/api/payments/orders/:id',
    {
      onRequest: auth.guard(),
      schema: { tags, summary: 'One order (its owner or an admin)', params: orderParams },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      return ok(reply, { order: await payments.forUser(user, req.params.id, req.id) });
    },
  );

  // The gateway's server-to-server result (JSON). Refusals answer 4xx and change nothing.
  app.post(
    '/api/payments/payletter/callback',
    { schema: { tags, summary: "Payletter's callback (server to server, JSON, success only)" } },
    async (req, reply) => {
      const fields = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
      const settled = await payments.settle({ kind: 'callback', fields }, req.id);
      const answer = payments
        .gatewayOf()
        .callbackAnswer(true, settled.outcome === 'duplicate' ? 'already settled' : 'ok');
      return reply.code(answer.status).send(answer.body);
    },
  );

  // The buyer's browser, posted back by the gateway as a form: settle if we can, then show the result.
  app.register(async (scope: App) => {
    await scope.register(formbody, { bodyLimit: 16 * 1024 });
    scope.post(
      '/api/payments/payletter/return',
      {
        schema: {
          tags,
          summary: "Payletter's return (the browser, a form post); redirects to the result page",
        },
      },
      async (req, reply) => {
        const fields = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
        const orderId = typeof fields.order_no === 'string' ? fields.order_no : undefined;
        try {
          const settled = await payments.settle({ kind: 'return', fields }, req.id);
          return reply.redirect(await resultPage(payments, settled.order.id), 303);
        } catch (err) {
          // The refusal is logged by settle(); the buyer sees the order as it is, with the reason.
          if (err instanceof PaymentRefusal)
            return reply.redirect(await resultPage(payments, orderId, err.reason), 303);
          if (err instanceof AppError)
            return reply.redirect(await resultPage(payments, orderId, 'gateway'), 303);
          throw err;
        }
      },
    );
  });

  app.get(
    '/api/payments/payletter/abort',
    {
      schema: {
        tags,
        summary: "Payletter's cancel_url: the buyer left the payment page (redirects to the result page)",
        querystring: z.object({ order: z.string().max(64) }),
      },
    },
    async (req, reply) => {
      try {
        const settled = await payments.settle(
          { kind: 'abort', fields: { order_no: req.query.order } },
          req.id,
        );
        return reply.redirect(await resultPage(payments, settled.order.id), 303);
      } catch (err) {
        if (err instanceof AppError)
          return reply.redirect(await resultPage(payments, req.query.order, 'gateway'), 303);
        throw err;
      }
    },
  );

  app.get(
    '/api/admin/payments',
    {
      onRequest: auth.guard(['admin']),
      schema: {
        tags: ['admin', ...tags],
        summary: 'Payment orders, newest first: filter by state, user, purpose',
        querystring: adminQuery,
      },
    },
    async (req, reply) => {
      const q = req.query;
      let userId: string | undefined;
      if (q.user?.includes('@')) {
        const [u] = await ctx.database.db
          .select({ id: users.id })
          .from(users)
          .where(sql`lower(${users.email}) = lower(${q.user})`);
        if (!u) return ok(reply, { orders: [], nextBefore: null, purposes: payments.purposeNames() });
        userId = u.id;
      } else userId = q.user;
      const page = await payments.list({
        state: q.state,
        userId,
        purpose: q.purpose,
        before: q.before ? new Date(q.before) : undefined,
        limit: q.limit,
      });
      return ok(reply, { ...page, purposes: payments.purposeNames() });
    },
  );

  app.post(
    '/api/admin/payments/:id/cancel',
    {
      onRequest: auth.guard(['admin']),
      schema: {
        tags: ['admin', ...tags],
        summary:
          'Cancel an order: unpaid → cancelled; paid → refunded at the gateway (whole, or amount of it)',
        params: orderParams,
        body: z.object({ amount: z.number().int('whole won').min(1, 'at least 1 won').optional() }).strict(),
      },
    },
    async (req, reply) => {
      const admin = await auth.require(req, ['admin']);
      const order = await payments.cancel(admin, req.params.id, req.body.amount, req.id);
      return ok(reply, { order }, order.state === 'refunded' ? 'refunded' : 'cancelled');
    },
  );
}
