import type { Context } from '../../platform/context.ts';
import { type Code, type Lang, type ParamValue, render } from '../../platform/messages/index.ts';

/** One marketplace notice: kept in the user's in-app list and pushed to their devices if they agreed. */
export type ConsultNotice = { kind: string; title: string; body: string; link?: string };

/**
 * Tells a user something in the app and by push. The push is a courtesy: a failure to queue it never
 * undoes what happened, so it is logged, not thrown.
 */
export async function tell(
  ctx: Context,
  userId: string,
  notice: ConsultNotice | ((lang: Lang) => ConsultNotice),
): Promise<void> {
  // Written in the user's language (users.lang).
  const n = typeof notice === 'function' ? notice(await ctx.notify.langOf(userId)) : notice;
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

/** The catalog's words in one language. */
export const wordsIn =
  (lang: Lang) =>
  (key: Code, params?: Record<string, ParamValue>): string =>
    render(key, params, lang);
