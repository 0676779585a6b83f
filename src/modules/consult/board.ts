import { and, asc, desc, eq, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { AppError, forbidden, invalidField, notFound } from '../../platform/errors.ts';
import { msg } from '../../platform/messages/index.ts';
import { users } from '../../platform/schema.ts';
import { fileUrl } from '../../platform/uploads/index.ts';
import { likePattern } from './discovery.ts';
import { consultComments, consultPosts } from './schema.ts';

// The community board: posts with comments. Text is stored as written and only ever shown as text.
// Authors rewrite or delete their own; admins hide or delete anyone's and write notices. Someone
// else's post or comment is "not found" to a non-admin, and nothing changes.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_IMAGES = 5;

export type PostInput = { title: string; body: string; imageFileIds: string[]; notice?: boolean };

export type PostSummary = {
  id: string;
  title: string;
  author: string | null;
  notice: boolean;
  commentCount: number;
  imageCount: number;
  hidden: boolean;
  createdAt: string;
  updatedAt: string;
};

export type CommentView = {
  id: string;
  author: string | null;
  mine: boolean;
  body: string;
  hidden: boolean;
  createdAt: string;
};

export type PostView = Omit<PostSummary, 'imageCount'> & {
  body: string;
  mine: boolean;
  images: { id: string; url: string; full: string }[];
  comments: CommentView[];
};

const p = consultPosts;
const cm = consultComments;

const isAdmin = (u: User | undefined) => u?.role === 'admin';

export class Board {
  constructor(private readonly ctx: Context) {}

  /** Posts newest first, notices only with `notice`; hidden ones only for admins. */
  async list(
    viewer: User | undefined,
    opts: { q?: string; notice?: boolean; page: number; limit: number },
  ): Promise<{ posts: PostSummary[]; total: number; page: number; pages: number }> {
    const parts: (SQL | undefined)[] = [isAdmin(viewer) ? undefined : isNull(p.hiddenAt)];
    if (opts.notice) parts.push(eq(p.notice, true));
    const q = opts.q?.trim();
    if (q) parts.push(or(sql`${p.title} ilike ${likePattern(q)}`, sql`${p.body} ilike ${likePattern(q)}`));
    const where = and(...parts);
    const db = this.ctx.database.db;
    const [rows, [count]] = await Promise.all([
      db
        .select({
          id: p.id,
          title: p.title,
          author: users.nickname,
          notice: p.notice,
          commentCount: p.commentCount,
          imageCount: sql<number>`jsonb_array_length(${p.imageFileIds})`.mapWith(Number),
          hiddenAt: p.hiddenAt,
          createdAt: p.createdAt,
          updatedAt: p.updatedAt,
        })
        .from(p)
        .leftJoin(users, eq(users.id, p.authorId))
        .where(where)
        .orderBy(desc(p.createdAt), desc(p.id))
        .limit(opts.limit)
        .offset((opts.page - 1) * opts.limit),
      db.select({ n: sql<number>`count(*)::int` }).from(p).where(where),
    ]);
    const total = count?.n ?? 0;
    return {
      posts: rows.map(({ hiddenAt, createdAt, updatedAt, ...rest }) => ({
        ...rest,
        hidden: hiddenAt !== null,
        createdAt: createdAt.toISOString(),
        updatedAt: updatedAt.toISOString(),
      })),
      total,
      page: opts.page,
      pages: Math.max(1, Math.ceil(total / opts.limit)),
    };
  }

  /** The newest notices (the home page). */
  async notices(limit: number): Promise<PostSummary[]> {
    return (await this.list(undefined, { notice: true, page: 1, limit })).posts;
  }

  private async row(id: string) {
    if (!UUID.test(id)) return undefined;
    const [row] = await this.ctx.database.db
      .select({ post: p, author: users.nickname })
      .from(p)
      .leftJoin(users, eq(users.id, p.authorId))
      .where(eq(p.id, id));
    return row;
  }

  /** One post with its comments; a hidden post is "not found" except to admins. */
  async get(viewer: User | undefined, id: string): Promise<PostView> {
    const found = await this.row(id);
    if (!found || (found.post.hiddenAt && !isAdmin(viewer))) throw notFound('post');
    const { post, author } = found;
    const comments = await this.ctx.database.db
      .select({ c: cm, author: users.nickname })
      .from(cm)
      .leftJoin(users, eq(users.id, cm.authorId))
      .where(and(eq(cm.postId, id), isAdmin(viewer) ? undefined : isNull(cm.hiddenAt)))
      .orderBy(asc(cm.createdAt), asc(cm.id))
      .limit(500);
    return {
      id: post.id,
      title: post.title,
      body: post.body,
      author,
      mine: viewer?.id === post.authorId,
      notice: post.notice,
      commentCount: post.commentCount,
      hidden: post.hiddenAt !== null,
      createdAt: post.createdAt.toISOString(),
      updatedAt: post.updatedAt.toISOString(),
      images: post.imageFileIds.map((f) => ({ id: f, url: fileUrl(f, '512'), full: fileUrl(f, '1280') })),
      comments: comments.map(({ c, author: a }) => ({
        id: c.id,
        author: a,
        mine: viewer?.id === c.authorId,
        body: c.body,
        hidden: c.hiddenAt !== null,
        createdAt: c.createdAt.toISOString(),
      })),
    };
  }

  /** Images attached must be the author's own uploads for posts. */
  private async checkImages(user: User, ids: string[]) {
    if (!ids.length) return;
    const unique = [...new Set(ids)];
    if (unique.length !== ids.length) throw invalidField('body.imageFileIds', msg('consult.image_twice'));
    const ok = await this.ctx.uploads.ownedBy(user.id, unique, 'post');
    const i = ids.findIndex((id) => !ok.has(id));
    if (i >= 0) throw invalidField(`body.imageFileIds.${i}`, msg('consult.not_post_image'));
  }

  async create(user: User, input: PostInput): Promise<PostView> {
    if (input.notice && !isAdmin(user)) throw forbidden(msg('consult.admin_notices'));
    await this.checkImages(user, input.imageFileIds);
    const [row] = await this.ctx.database.db
      .insert(p)
      .values({
        authorId: user.id,
        title: input.title,
        body: input.body,
        imageFileIds: input.imageFileIds,
        notice: !!input.notice && isAdmin(user),
      })
      .returning({ id: p.id });
    return this.get(user, row?.id as string);
  }

  /** The author rewrites their post; an admin may only hide or delete other people's. */
  async update(user: User, id: string, input: PostInput): Promise<PostView> {
    const found = await this.row(id);
    if (!found || (found.post.hiddenAt && !isAdmin(user))) throw notFound('post');
    if (found.post.authorId !== user.id) {
      if (isAdmin(user)) throw forbidden(msg('consult.admin_no_rewrite'));
      throw notFound('post');
    }
    if (input.notice && !isAdmin(user)) throw forbidden(msg('consult.admin_notices'));
    await this.checkImages(user, input.imageFileIds);
    await this.ctx.database.db
      .update(p)
      .set({
        title: input.title,
        body: input.body,
        imageFileIds: input.imageFileIds,
        ...(input.notice !== undefined && isAdmin(user) ? { notice: input.notice } : {}),
        updatedAt: sql`now()`,
      })
      .where(and(eq(p.id, id), eq(p.authorId, user.id)));
    return this.get(user, id);
  }

  /** The author or an admin deletes a post (its comments go with it). */
  async remove(user: User, id: string): Promise<void> {
    const found = await this.row(id);
    const mayDelete = found && (isAdmin(user) || (found.post.authorId === user.id && !found.post.hiddenAt));
    if (!mayDelete) throw notFound('post');
    await this.ctx.database.db.delete(p).where(eq(p.id, id));
    if (found.post.authorId !== user.id) await this.moderated(user, 'post deleted', { postId: id });
  }

  /** What an admin did to someone else's text goes to the server log. */
  private async moderated(admin: User, message: string, data: Record<string, unknown>) {
    await this.ctx.serverLog.write({ level: 'info', source: 'consult', message, data, actorId: admin.id });
  }

  /** Admins hide a post from everyone else, or show it again. */
  async hide(admin: User, id: string, hidden: boolean): Promise<void> {
    if (!UUID.test(id)) throw notFound('post');
    const rows = await this.ctx.database.db
      .update(p)
      .set({ hiddenAt: hidden ? sql`coalesce(${p.hiddenAt}, now())` : null })
      .where(eq(p.id, id))
      .returning({ id: p.id });
    if (!rows.length) throw notFound('post');
    await this.moderated(admin, hidden ? 'post hidden' : 'post shown again', { postId: id });
  }

  async comment(user: User, postId: string, body: string): Promise<CommentView> {
    const found = await this.row(postId);
    if (!found || found.post.hiddenAt) throw notFound('post');
    const row = await this.ctx.tx(async (tx) => {
      const [c] = await tx.insert(cm).values({ postId, authorId: user.id, body }).returning();
      await tx
        .update(p)
        .set({ commentCount: sql`${p.commentCount} + 1` })
        .where(eq(p.id, postId));
      return c;
    });
    if (!row) throw new AppError(500, 'comment not stored');
    return {
      id: row.id,
      author: user.nickname,
      mine: true,
      body: row.body,
      hidden: false,
      createdAt: row.createdAt.toISOString(),
    };
  }

  /**
   * Deletes a comment (its author or an admin) or hides it (admins). The post's comment count counts
   * the comments others can see, and moves in the same transaction.
   */
  async dropComment(user: User, id: string, how: 'delete' | 'hide'): Promise<void> {
    if (!UUID.test(id)) throw notFound('comment');
    const authorId = await this.ctx.tx(async (tx) => {
      const [c] = await tx.select().from(cm).where(eq(cm.id, id)).for('update');
      const allowed = c && (isAdmin(user) || (how === 'delete' && c.authorId === user.id && !c.hiddenAt));
      if (!c || !allowed) throw notFound('comment');
      if (how === 'delete') await tx.delete(cm).where(eq(cm.id, id));
      else await tx.update(cm).set({ hiddenAt: sql`now()` }).where(eq(cm.id, id));
      if (!c.hiddenAt) {
        await tx
          .update(p)
          .set({ commentCount: sql`greatest(${p.commentCount} - 1, 0)` })
          .where(eq(p.id, c.postId));
      }
      return c.authorId;
    });
    // Logged after the commit: the log writes on its own connection (PGlite has one).
    if (authorId !== user.id)
      await this.moderated(user, `comment ${how === 'delete' ? 'deleted' : 'hidden'}`, { commentId: id });
  }

  /** Every image a post uses (the uploads sweep keeps them): image_file_ids is JSON, which a column list cannot say. */
  async referencedFiles(): Promise<string[]> {
    const rows = await this.ctx.database.db
      .select({ id: sql<string>`jsonb_array_elements_text(${p.imageFileIds})` })
      .from(p);
    return rows.map((r) => r.id);
  }
}
