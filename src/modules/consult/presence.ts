import { eq, sql } from 'drizzle-orm';
import type { Auth } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import type { App } from '../../platform/http/app.ts';
import { consultCounselors } from './schema.ts';

/** How often one counselor's "last seen" is written at most (auto-online needs minutes, not seconds). */
const WRITE_EVERY_MS = 60_000;

/**
 * Notes when a counselor last used the app (any API request), for auto-online. The token is read
 * from the cache auth keeps anyway; the row is written at most once a minute per counselor.
 */
export function seenRecently(app: App, ctx: Context, auth: Auth) {
  const written = new Map<string, number>();
  app.addHook('onResponse', async (req) => {
    if (!req.url.startsWith('/api/') || (!req.headers.authorization && !req.headers.cookie)) return;
    const user = await auth.optional(req).catch(() => undefined);
    if (user?.role !== 'counselor') return;
    const last = written.get(user.id) ?? 0;
    if (Date.now() - last < WRITE_EVERY_MS) return;
    written.set(user.id, Date.now());
    await ctx.database.db
      .update(consultCounselors)
      .set({ lastSeenAt: sql`now()` })
      .where(eq(consultCounselors.userId, user.id))
      .catch((err: unknown) => ctx.log.warn({ err }, 'consult: last seen not written'));
  });
}
