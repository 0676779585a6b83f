import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Auth } from '../../../platform/auth/service.ts';
import type { Context } from '../../../platform/context.ts';
import { safeEqual } from '../../../platform/crypto.ts';
import { type App, ok } from '../../../platform/http/app.ts';
import type { TelegramBot } from './bot.ts';
import { webhookSecret } from './updates.ts';

/** The part of an Update the bot reads; anything else in it is ignored. */
const update = z
  .object({
    update_id: z.number().int().nonnegative(),
    message: z
      .object({
        message_id: z.number().int(),
        from: z
          .object({
            id: z.number(),
            is_bot: z.boolean().optional(),
            language_code: z.string().max(35).optional(),
          })
          .passthrough()
          .optional(),
        chat: z.object({ id: z.number(), type: z.string().max(20) }).passthrough(),
        text: z.string().max(4096).optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

/** Telegram's webhook, and what the web asks: the link state, a link code, unlinking. */
export function telegramRoutes(app: App, ctx: Context, auth: Auth, bot: TelegramBot) {
  const secret = webhookSecret(ctx);
  // Checked before the body is read: without the secret nothing about the request is answered.
  const guard = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!bot.api) return reply.code(404).send();
    const said = req.headers['x-telegram-bot-api-secret-token'];
    if (typeof said !== 'string' || !safeEqual(said, secret)) return reply.code(401).send();
  };
  app.post(
    '/api/telegram/webhook',
    {
      onRequest: guard,
      schema: { tags: ['rail'], summary: 'Telegram Bot API webhook (Update in)', hide: true },
    },
    async (req, reply) => {
      const parsed = update.safeParse(req.body);
      // An update we cannot read is still acknowledged: Telegram would only send it again.
      if (!parsed.success)
        ctx.log.warn({ issues: parsed.error.issues.length }, 'telegram: unreadable update');
      else await bot.handle(parsed.data);
      return reply.code(200).send({ ok: true });
    },
  );

  app.get(
    '/api/rail/telegram',
    {
      onRequest: auth.guard(),
      schema: { tags: ['rail'], summary: 'Whether Telegram is linked, and the bot' },
    },
    async (req, reply) => ok(reply, await bot.state(await auth.require(req))),
  );
  app.post(
    '/api/rail/telegram/code',
    {
      onRequest: auth.guard(),
      schema: { tags: ['rail'], summary: 'A one-time code and the deep link t.me/<bot>?start=<code>' },
    },
    async (req, reply) => ok(reply, await bot.linkCode(await auth.require(req))),
  );
  app.delete(
    '/api/rail/telegram',
    { onRequest: auth.guard(), schema: { tags: ['rail'], summary: 'Unlink the Telegram chat' } },
    async (req, reply) => ok(reply, await bot.unlink(await auth.require(req))),
  );
}
