import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Auth } from '../auth/service.ts';
import type { Context } from '../context.ts';
import { invalidField } from '../errors.ts';
import { type App, ok } from '../http/app.ts';
import { users } from '../schema.ts';

const query = z
  .object({
    level: z.enum(['info', 'warn', 'error']).optional(),
    source: z.string().trim().min(1).max(100).optional(),
    actor: z.union([z.uuid(), z.email()], 'a user id or an e-mail address').optional(),
    from: z.iso.datetime({ offset: true, message: 'an ISO date-time' }).optional(),
    to: z.iso.datetime({ offset: true, message: 'an ISO date-time' }).optional(),
    q: z.string().trim().min(1).max(200).optional(),
    before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/** `GET /api/admin/log`: the server log for admins, newest first, a page at a time. */
export function serverLogRoutes(app: App, ctx: Context, auth: Auth) {
  app.get(
    '/api/admin/log',
    {
      onRequest: auth.guard(['admin']),
      schema: {
        tags: ['admin'],
        summary:
          'Server log, newest first: filter by level, source, actor, time, words (q); page with before',
        querystring: query,
      },
    },
    async (req, reply) => {
      const f = req.query;
      const from = f.from ? new Date(f.from) : undefined;
      const to = f.to ? new Date(f.to) : undefined;
      if (from && to && from > to) throw invalidField('querystring.to', 'must not be before from');
      let actorId: string | undefined;
      if (f.actor?.includes('@')) {
        const [u] = await ctx.database.db
          .select({ id: users.id })
          .from(users)
          .where(sql`lower(${users.email}) = lower(${f.actor})`);
        // Nobody with that address: nobody's entries.
        if (!u) return ok(reply, { rows: [], nextBefore: null });
        actorId = u.id;
      } else actorId = f.actor;
      return ok(
        reply,
        await ctx.serverLog.search({
          level: f.level,
          source: f.source,
          actorId,
          from,
          to,
          q: f.q,
          before: f.before,
          limit: f.limit,
        }),
      );
    },
  );
}
