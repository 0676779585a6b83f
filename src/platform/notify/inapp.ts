/**
 * The in-app channel: a notice written as a row the user reads in the web (the bell and the
 * notifications page). Only the owner reads or marks their rows; someone else's row is "not found".
 */
import { and, count, desc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db.ts';
import { notifications } from './schema.ts';

export type InAppNotice = {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  readAt: string | null;
  createdAt: string;
};

/** The longest link kept; a path in this site is far shorter. */
const MAX_LINK = 500;

/**
 * A link the web may follow on a click: a path in this site (`/rail/reservations?x=1`). Refused: an
 * absolute URL, `//host` and `/\host` (browsers read both as another host), `javascript:` and
 * anything with spaces or control characters.
 */
export function linkProblem(link: string): string | undefined {
  if (link.length > MAX_LINK) return `at most ${MAX_LINK} characters`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (!/^\/(?![/\\])[^\s\u0000-\u001f\u007f\\]*$/.test(link))
    return 'must be a path in this site starting with / (not a URL)';
  return undefined;
}

const view = (r: typeof notifications.$inferSelect): InAppNotice => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  body: r.body,
  link: r.link,
  readAt: r.readAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
});

export class InAppNotices {
  constructor(private readonly db: Db) {}

  /** Writes one notice (check the link with linkProblem() first). */
  async add(userId: string, n: { kind: string; title: string; body: string; link?: string }) {
    await this.db.insert(notifications).values({ userId, ...n, link: n.link ?? null });
  }

  /**
   * The user's notices, newest first, `limit` at a time; `before` (the id of the last one seen)
   * continues after it. `undefined` when `before` is not one of theirs.
   */
  async list(userId: string, opts: { before?: string; limit: number }) {
    const mine = eq(notifications.userId, userId);
    let where: SQL | undefined = mine;
    if (opts.before) {
      const [b] = await this.db
        .select({ id: notifications.id })
        .from(notifications)
        .where(and(mine, eq(notifications.id, opts.before)));
      if (!b) return undefined;
      // Compared in SQL: the database keeps microseconds, a JS Date only milliseconds. Same
      // instant: the id decides, so no row is shown twice or skipped.
      where = and(
        mine,
        sql`(${notifications.createdAt}, ${notifications.id}) < (select b.created_at, b.id from ${notifications} b where b.id = ${b.id})`,
      );
    }
    const rows = await this.db
      .select()
      .from(notifications)
      .where(where)
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(opts.limit + 1);
    const page = rows.slice(0, opts.limit).map(view);
    return {
      notifications: page,
      nextBefore: rows.length > opts.limit ? (page.at(-1)?.id ?? null) : null,
      unread: await this.unread(userId),
    };
  }

  async unread(userId: string): Promise<number> {
    const [r] = await this.db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
    return r?.n ?? 0;
  }

  /** Marks one read (a second time keeps the first time); false when it is not one of theirs. */
  async markRead(userId: string, id: string): Promise<boolean> {
    const [r] = await this.db
      .update(notifications)
      .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
      .where(and(eq(notifications.userId, userId), eq(notifications.id, id)))
      .returning({ id: notifications.id });
    return !!r;
  }

  /** Marks all of the user's notices read; answers how many were unread. */
  async markAllRead(userId: string): Promise<number> {
    const rows = await this.db
      .update(notifications)
      .set({ readAt: sql`now()` })
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
      .returning({ id: notifications.id });
    return rows.length;
  }
}
