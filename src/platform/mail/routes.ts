import { z } from 'zod';
import type { Auth } from '../auth/service.ts';
import type { Context } from '../context.ts';
import { AppError } from '../errors.ts';
import { type App, ok } from '../http/app.ts';

/**
 * The built-in mailbox. Admins read every mail; a logged-in user reads mail addressed to them; nobody
 * reads it without logging in, demo mode included (sign-up codes and ticket codes are in there).
 */
export function mailboxRoutes(app: App, ctx: Context, auth: Auth) {
  const reader = async (req: Parameters<Auth['require']>[0]): Promise<string | undefined> => {
    if (ctx.mailer.kind !== 'mailbox')
      throw new AppError(404, 'mail goes out over SMTP; there is no built-in mailbox');
    const user = await auth.require(req);
    return user.role === 'admin' ? undefined : user.email;
  };
  const id = z.object({ id: z.coerce.number().int().positive() }).strict();

  app.get(
    '/api/mailbox',
    { schema: { tags: ['mailbox'], summary: 'Stored mails, newest first' } },
    async (req, reply) => ok(reply, { messages: await ctx.mailbox.list({ onlyTo: await reader(req) }) }),
  );

  app.get('/api/mailbox/:id', { schema: { tags: ['mailbox'], params: id } }, async (req, reply) => {
    const onlyTo = await reader(req);
    const message = await ctx.mailbox.get(req.params.id, {
      onlyTo,
      partUrl: (index) => `/api/mailbox/${req.params.id}/parts/${index}`,
    });
    return ok(reply, { message });
  });

  app.get(
    '/api/mailbox/:id/parts/:index',
    {
      schema: {
        tags: ['mailbox'],
        params: z
          .object({ id: z.coerce.number().int().positive(), index: z.coerce.number().int().min(0) })
          .strict(),
      },
    },
    async (req, reply) => {
      const part = await ctx.mailbox.part(req.params.id, req.params.index, await reader(req));
      const inline = part.contentType.startsWith('image/');
      reply
        .header('content-type', part.contentType)
        .header(
          'content-disposition',
          `${inline ? 'inline' : 'attachment'}; filename="${encodeURIComponent(part.filename)}"`,
        );
      return reply.send(part.content);
    },
  );

  app.get('/api/mailbox/:id/raw', { schema: { tags: ['mailbox'], params: id } }, async (req, reply) => {
    const raw = await ctx.mailbox.raw(req.params.id, await reader(req));
    reply
      .header('content-type', 'message/rfc822')
      .header('content-disposition', `attachment; filename="mail-${req.params.id}.eml"`);
    return reply.send(raw);
  });
}
