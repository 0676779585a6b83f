import type { Context } from '../../platform/context.ts';

/** One marketplace notice: kept in the user's in-app list and pushed to their devices if they agreed. */
export type ConsultNotice = { kind: string; title: string; body: string; link?: string };

/**
 * Tells a user something in the app and by push. The push is a courtesy: a failure to queue it never
 * undoes what happened, so it is logged, not thrown.
 */
export async function tell(ctx: Context, userId: string, n: ConsultNotice): Promise<void> {
  await ctx.notify.inapp.add(userId, n);
  try {
    await ctx.push.toUser(userId, { kind: 'consult', title: n.title, body: n.body, link: n.link });
  } catch (err) {
    ctx.log.warn({ err, kind: n.kind }, 'consult push not queued');
  }
}

/** The active admins' ids (for notices only admins get). */
export async function adminIds(ctx: Context): Promise<string[]> {
  const { rows } = await ctx.database.raw("select id from users where role = 'admin' and state = 'active'");
  return (rows as { id: string }[]).map((r) => r.id);
}
