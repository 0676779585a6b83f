import { and, desc, eq, sql } from 'drizzle-orm';
import type { Context } from '../../platform/context.ts';
import { type CounselorCard, cardColumns, type Discovery, isPublic, toCard } from './discovery.ts';
import { consultBookmarks, consultCounselors, consultLikes } from './schema.ts';

// A user's bookmarks (a private list) and likes (one per user and counselor, counted on the
// counselor). Both act only on counselors the public can see.

export type Mark = { bookmarked: boolean; liked: boolean };

export class Favorites {
  constructor(
    private readonly ctx: Context,
    private readonly discovery: Discovery,
  ) {}

  /** Whether the user bookmarked and liked the counselor (both false for a visitor). */
  async markOf(userId: string | undefined, counselorId: string): Promise<Mark> {
    if (!userId) return { bookmarked: false, liked: false };
    const db = this.ctx.database.db;
    const [b, l] = await Promise.all([
      db
        .select({ x: sql`1` })
        .from(consultBookmarks)
        .where(and(eq(consultBookmarks.userId, userId), eq(consultBookmarks.counselorId, counselorId))),
      db
        .select({ x: sql`1` })
        .from(consultLikes)
        .where(and(eq(consultLikes.userId, userId), eq(consultLikes.counselorId, counselorId))),
    ]);
    return { bookmarked: b.length > 0, liked: l.length > 0 };
  }

  /** Bookmarks or un-bookmarks; doing it twice changes nothing. */
  async bookmark(userId: string, counselorId: string, on: boolean): Promise<{ bookmarked: boolean }> {
    await this.discovery.cardOr404(counselorId);
    const db = this.ctx.database.db;
    if (on) await db.insert(consultBookmarks).values({ userId, counselorId }).onConflictDoNothing();
    else
      await db
        .delete(consultBookmarks)
        .where(and(eq(consultBookmarks.userId, userId), eq(consultBookmarks.counselorId, counselorId)));
    return { bookmarked: on };
  }

  /** The user's bookmarked counselors that are still public, newest bookmark first. */
  async bookmarks(userId: string): Promise<CounselorCard[]> {
    const rows = await this.ctx.database.db
      .select(cardColumns)
      .from(consultBookmarks)
      .innerJoin(consultCounselors, eq(consultCounselors.id, consultBookmarks.counselorId))
      .where(and(eq(consultBookmarks.userId, userId), isPublic))
      .orderBy(desc(consultBookmarks.createdAt))
      .limit(200);
    return rows.map(toCard);
  }

  /**
   * Likes or un-likes. The like row and the counselor's like_count change in one transaction, and
   * the count moves only when a row was really added or removed, so repeats and races keep it exact.
   */
  async like(
    userId: string,
    counselorId: string,
    on: boolean,
  ): Promise<{ liked: boolean; likeCount: number }> {
    return this.ctx.tx(async (tx) => {
      await this.discovery.cardOr404(counselorId, tx);
      const changed = on
        ? await tx
            .insert(consultLikes)
            .values({ userId, counselorId })
            .onConflictDoNothing()
            .returning({ u: consultLikes.userId })
        : await tx
            .delete(consultLikes)
            .where(and(eq(consultLikes.userId, userId), eq(consultLikes.counselorId, counselorId)))
            .returning({ u: consultLikes.userId });
      const [row] = changed.length
        ? await tx
            .update(consultCounselors)
            .set({ likeCount: sql`${consultCounselors.likeCount} + ${on ? 1 : -1}` })
            .where(eq(consultCounselors.id, counselorId))
            .returning({ likeCount: consultCounselors.likeCount })
        : await tx
            .select({ likeCount: consultCounselors.likeCount })
            .from(consultCounselors)
            .where(eq(consultCounselors.id, counselorId));
      return { liked: on, likeCount: row?.likeCount ?? 0 };
    });
  }
}
