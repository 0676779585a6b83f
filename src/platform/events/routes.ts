import { z } from 'zod';
import type { Auth } from '../auth/service.ts';
import type { Context } from '../context.ts';
import { AppError } from '../errors.ts';
import { type App, ok } from '../http/app.ts';
import { listDead, redrive } from './dead.ts';

/** Dead letters for admins: list them, hand one event (or all) to its consumers again. */
export function deadLetterRoutes(app: App, ctx: Context, auth: Auth) {
  const admin = auth.guard(['admin']);

  app.get(
    '/api/admin/events/dead',
    { onRequest: admin, schema: { tags: ['admin'], summary: 'Deliveries given up on, newest first' } },
    async (_req, reply) => ok(reply, { dead: await listDead(ctx.database) }),
  );

  const redriven = async (req: Parameters<Auth['require']>[0], out: Awaited<ReturnType<typeof redrive>>) => {
    ctx.log.info({ ...out, by: (await auth.require(req)).email }, 'dead letters redriven');
    return out;
  };

  app.post(
    '/api/admin/events/dead/redrive',
    { onRequest: admin, schema: { tags: ['admin'], summary: 'Deliver every dead event again' } },
    async (req, reply) =>
      ok(reply, await redriven(req, await redrive(ctx.database, ctx.broker, { all: true }))),
  );

  app.post(
    '/api/admin/events/dead/:eventId/redrive',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Deliver one dead event again (to every consumer it died in)',
        params: z.object({ eventId: z.string().uuid() }).strict(),
      },
    },
    async (req, reply) => {
      const out = await redrive(ctx.database, ctx.broker, { eventId: req.params.eventId });
      if (out.redriven === 0 && out.missing.length === 0)
        throw new AppError(404, 'no dead delivery of that event');
      return ok(reply, await redriven(req, out));
    },
  );
}
