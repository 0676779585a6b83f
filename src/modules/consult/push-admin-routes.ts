import { z } from 'zod';
import type { Auth } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { type App, envelope, ok } from '../../platform/http/app.ts';
import { type PushAdmin, pushInput } from './push-admin.ts';

const tags = ['consult'];

/** `/api/consult/admin/push`: admins send a push to a segment (or to themselves) and read the history. */
export function pushAdminRoutes(app: App, ctx: Context, auth: Auth, pushes: PushAdmin) {
  const admin = auth.guard(['admin']);

  app.post(
    '/api/consult/admin/push',
    {
      onRequest: admin,
      schema: { tags, summary: 'Send a push to a segment, or a test to your own devices', body: pushInput },
    },
    async (req, reply) => {
      const actor = await auth.require(req);
      const row = await pushes.send(req.body, actor.id);
      await ctx.serverLog.write({
        level: 'info',
        source: 'consult',
        message: `push ${req.body.test ? 'test ' : ''}to ${req.body.segment}: ${row.targets} devices`,
        data: { sendId: row.id, segment: row.segment, test: row.test, targets: row.targets },
        actorId: actor.id,
        requestId: req.id,
      });
      const view = await pushes.byId(row.id);
      return envelope(reply, 201, 'queued', { send: view });
    },
  );

  app.get(
    '/api/consult/admin/push',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Pushes sent, newest first, with delivery counts',
        querystring: z.object({ before: z.iso.datetime('an ISO date-time').optional() }).strict(),
      },
    },
    async (req, reply) =>
      ok(reply, {
        sends: await pushes.history(req.query.before ? new Date(req.query.before) : undefined),
      }),
  );

  app.get(
    '/api/consult/admin/push/:id',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'One push send',
        params: z.object({ id: z.uuid('a send id (UUID)') }).strict(),
      },
    },
    async (req, reply) => {
      const send = await pushes.byId(req.params.id);
      if (!send) throw notFound('push send');
      return ok(reply, { send });
    },
  );
}
