import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Auth } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { type App, envelope, ok } from '../../platform/http/app.ts';
import { msg } from '../../platform/messages/index.ts';
import type { Rule } from '../../platform/ratelimit.ts';
import type { Calls } from './calls.ts';
import { verifyPhone060Webhook } from './phone060/index.ts';
import type { Phone } from './sync.ts';

const tags = ['consult'];
/** Starting calls: a handful an hour is a person; more is a script spending someone's points. */
const CALL_RULE: Rule = { name: 'consult-call.user', limit: 20, windowSeconds: 3600 };

/** Phone consultations: the quote, starting one, the caller's calls, and the 060 service's webhook. */
export function callRoutes(app: App, ctx: Context, auth: Auth, calls: Calls, phone: Phone) {
  const loggedIn = auth.guard();

  app.get(
    '/api/consult/counselors/:id/call',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'Before a call: the counselor’s rate and status, the minimum, your balance, your phone',
        params: z.object({ id: z.uuid('a counselor id (UUID)') }).strict(),
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      return ok(reply, await calls.quote(user.id, req.params.id));
    },
  );

  app.post(
    '/api/consult/calls',
    {
      onRequest: loggedIn,
      config: { rateLimit: CALL_RULE },
      schema: {
        tags,
        summary: 'Start a phone consultation: hold points, buy the time at 060; answers the number to dial',
        body: z
          .object({
            counselorId: z.uuid('a counselor id (UUID)'),
            phone: z.string().max(20, 'a phone number'),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      return envelope(reply, 201, 'call ready', { call: await calls.start(user.id, req.body) });
    },
  );

  app.get(
    '/api/consult/calls',
    { onRequest: loggedIn, schema: { tags, summary: 'Your phone consultations, newest first' } },
    async (req, reply) => {
      const user = await auth.require(req);
      return ok(reply, { calls: await calls.mine(user.id) });
    },
  );

  app.get(
    '/api/consult/calls/:id',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'One of your phone consultations',
        params: z.object({ id: z.uuid('a call id') }).strict(),
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      return ok(reply, { call: await calls.get(user.id, req.params.id, user.role === 'admin') });
    },
  );

  // The 060 service's call events, signed over the raw body: read as bytes, checked, then parsed.
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post(
      '/api/consult/phone060/webhook',
      { schema: { tags, summary: '060 call events (call.started, call.ended), HMAC-signed' } },
      async (req, reply) => {
        const link = phone();
        if (!link) throw new AppError(404, msg('consult.no_060'));
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const checked = verifyPhone060Webhook(raw, req.headers, link.webhookSecret);
        if (!checked.ok) {
          await ctx.serverLog.write({
            level: 'warn',
            source: 'consult',
            message: `060 webhook refused (${checked.reason}): ${checked.message}`,
            data: { reason: checked.reason },
            requestId: req.id,
          });
          const status = checked.reason === 'malformed' ? 400 : 401;
          throw new AppError(status, `webhook refused: ${checked.message}`, {
            code: `phone060.${checked.reason}`,
          });
        }
        try {
          const done = await calls.onEvent(checked.event);
          return ok(reply, done, done.outcome);
        } catch (err) {
          if (err instanceof AppError && err.status < 500) {
            await ctx.serverLog.write({
              level: 'warn',
              source: 'consult',
              message: `060 ${checked.event.type} for call ${checked.event.callId} refused: ${err.message}`,
              data: { callId: checked.event.callId, ticketId: checked.event.ticketId ?? null },
              requestId: req.id,
            });
          }
          throw err;
        }
      },
    );
  });
}
