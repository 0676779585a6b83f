import { and, desc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { constraintName } from '../../platform/db.ts';
import { AppError, fieldError, type Message, notFound } from '../../platform/errors.ts';
import { msg } from '../../platform/messages/index.ts';
import { users } from '../../platform/schema.ts';
import { isPublic } from './discovery.ts';
import { tell } from './notices.ts';
import { consultCounselors, consultRequests, consultReviews } from './schema.ts';

// Reviews: one per completed payment request, written within 30 days of completion; the counselor
// may reply once; admins hide. The counselor's review_count and rating_sum move in the same
// transaction as the review, and count only reviews that are not hidden.

export const REVIEW_DAYS = 30;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ReviewView = {
  id: string;
  counselorId: string;
  counselorName: string;
  /** The writer's nickname; null shows as "member" (never their e-mail or name). */
  author: string | null;
  stars: number;
  body: string;
  reply: string | null;
  repliedAt: string | null;
  createdAt: string;
  hidden: boolean;
  /** The viewer is this review's counselor and has not replied yet. */
  canReply: boolean;
};

/** A completed request of the user that may still be reviewed. */
export type Reviewable = {
  requestId: string;
  counselorId: string;
  counselorName: string;
  title: string;
  completedAt: string;
  until: string;
};

export type ReviewInput = { requestId: string; stars: number; body: string };

/** A refusal that names the field it is about, like a schema error does. */
const refused = (status: number, path: string, message: Message) =>
  new AppError(
    status,
    typeof message === 'string' ? `${path}: ${message}` : { ...message, text: `${path}: ${message.text}` },
    { errors: [fieldError(path, message)] },
  );

const r = consultReviews;
const columns = {
  id: r.id,
  counselorId: r.counselorId,
  counselorName: consultCounselors.name,
  author: users.nickname,
  stars: r.stars,
  body: r.body,
  reply: r.reply,
  repliedAt: r.repliedAt,
  createdAt: r.createdAt,
  hiddenAt: r.hiddenAt,
  owner: consultCounselors.userId,
};

type Row = {
  id: string;
  counselorId: string;
  counselorName: string;
  author: string | null;
  stars: number;
  body: string;
  reply: string | null;
  repliedAt: Date | null;
  createdAt: Date;
  hiddenAt: Date | null;
  owner: string | null;
};

const view = (row: Row, viewerId?: string): ReviewView => ({
  id: row.id,
  counselorId: row.counselorId,
  counselorName: row.counselorName,
  author: row.author,
  stars: row.stars,
  body: row.body,
  reply: row.reply,
  repliedAt: row.repliedAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
  hidden: row.hiddenAt !== null,
  canReply: !!viewerId && row.owner === viewerId && row.reply === null,
});

/** When a request was completed: closed_at (set at completion). */
const completedAt = sql`coalesce(${consultRequests.closedAt}, ${consultRequests.paidAt}, ${consultRequests.createdAt})`;

export class Reviews {
  constructor(private readonly ctx: Context) {}

  private select(where: SQL) {
    return this.ctx.database.db
      .select(columns)
      .from(r)
      .innerJoin(consultCounselors, eq(consultCounselors.id, r.counselorId))
      .leftJoin(users, eq(users.id, r.userId))
      .where(where);
  }

  /** A counselor's reviews, newest first; hidden ones only for admins. */
  async ofCounselor(
    counselorId: string,
    opts: { page: number; limit: number; admin?: boolean; viewerId?: string },
  ): Promise<{ reviews: ReviewView[]; total: number }> {
    if (!UUID.test(counselorId)) throw notFound('counselor');
    const where = and(eq(r.counselorId, counselorId), opts.admin ? undefined : isNull(r.hiddenAt)) as SQL;
    const [rows, [count]] = await Promise.all([
      this.select(where)
        .orderBy(desc(r.createdAt), desc(r.id))
        .limit(opts.limit)
        .offset((opts.page - 1) * opts.limit),
      this.ctx.database.db.select({ n: sql<number>`count(*)::int` }).from(r).where(where),
    ]);
    return { reviews: rows.map((row) => view(row, opts.viewerId)), total: count?.n ?? 0 };
  }

  /** The newest visible reviews of public counselors (the home page). */
  async recent(limit: number): Promise<ReviewView[]> {
    const rows = await this.select(and(isNull(r.hiddenAt), isPublic) as SQL)
      .orderBy(desc(r.createdAt), desc(r.id))
      .limit(limit);
    return rows.map((row) => view(row));
  }

  /** The user's completed requests still open for a review (none written, within 30 days). */
  async reviewable(userId: string): Promise<Reviewable[]> {
    const rows = await this.ctx.database.db
      .select({
        requestId: consultRequests.id,
        counselorId: consultRequests.counselorId,
        counselorName: consultCounselors.name,
        title: consultRequests.title,
        completedMs: sql<number>`extract(epoch from ${completedAt}) * 1000`.mapWith(Number),
      })
      .from(consultRequests)
      .innerJoin(consultCounselors, eq(consultCounselors.id, consultRequests.counselorId))
      .leftJoin(r, eq(r.requestId, consultRequests.id))
      .where(
        and(
          eq(consultRequests.userId, userId),
          eq(consultRequests.state, 'completed'),
          isNull(r.id),
          sql`${completedAt} > now() - make_interval(days => ${REVIEW_DAYS})`,
        ),
      )
      .orderBy(desc(completedAt))
      .limit(50);
    return rows.map((x) => {
      const done = new Date(x.completedMs);
      return {
        requestId: x.requestId,
        counselorId: x.counselorId,
        counselorName: x.counselorName,
        title: x.title,
        completedAt: done.toISOString(),
        until: new Date(done.getTime() + REVIEW_DAYS * 86_400_000).toISOString(),
      };
    });
  }

  /**
   * Writes the user's review of one of their completed requests. Refused: someone else's or an
   * unknown request (404), one not completed, one completed over 30 days ago, a second review (409).
   */
  async write(user: User, input: ReviewInput): Promise<ReviewView> {
    const path = 'body.requestId';
    if (!UUID.test(input.requestId)) throw notFound('request');
    const id = await this.ctx
      .tx(async (tx) => {
        const [req] = await tx
          .select({
            id: consultRequests.id,
            userId: consultRequests.userId,
            counselorId: consultRequests.counselorId,
            state: consultRequests.state,
            fresh: sql<boolean>`${completedAt} > now() - make_interval(days => ${REVIEW_DAYS})`,
          })
          .from(consultRequests)
          .where(eq(consultRequests.id, input.requestId))
          .for('update');
        if (!req || req.userId !== user.id) throw notFound('request');
        if (req.state !== 'completed') throw refused(409, path, 'the consultation is not completed');
        if (!req.fresh) throw refused(409, path, msg('consult.review_window', { days: REVIEW_DAYS }));
        const [existing] = await tx.select({ id: r.id }).from(r).where(eq(r.requestId, req.id));
        if (existing) throw refused(409, path, 'this consultation has a review already');
        const [row] = await tx
          .insert(r)
          .values({
            requestId: req.id,
            userId: user.id,
            counselorId: req.counselorId,
            stars: input.stars,
            body: input.body,
          })
          .returning({ id: r.id });
        await tx
          .update(consultCounselors)
          .set({
            reviewCount: sql`${consultCounselors.reviewCount} + 1`,
            ratingSum: sql`${consultCounselors.ratingSum} + ${input.stars}`,
          })
          .where(eq(consultCounselors.id, req.counselorId));
        return row?.id as string;
      })
      .catch((err: unknown) => {
        // Two tabs sending at once: the unique key decides, the loser hears the same 409.
        if (constraintName(err) === 'consult_reviews_request_key')
          throw refused(409, path, 'this consultation has a review already');
        throw err;
      });
    const review = await this.byIdOr404(id, true);
    await this.tellCounselor(review);
    return review;
  }

  /** "Review received" to the counselor's account: in-app and push. A failed push loses no review. */
  private async tellCounselor(review: ReviewView) {
    const [counselor] = await this.ctx.database.db
      .select({ userId: consultCounselors.userId })
      .from(consultCounselors)
      .where(eq(consultCounselors.id, review.counselorId));
    if (!counselor?.userId) return;
    const notice = {
      kind: 'consult.review',
      title: `새 후기 ★${review.stars}`,
      body: review.body.length > 80 ? `${review.body.slice(0, 80)}…` : review.body,
      link: `/consult/counselors/${review.counselorId}#reviews`,
    };
    try {
      await tell(this.ctx, counselor.userId, notice);
    } catch (err) {
      this.ctx.log.warn({ err, reviewId: review.id }, 'review notice not sent');
    }
  }

  async byIdOr404(id: string, admin = false): Promise<ReviewView> {
    if (!UUID.test(id)) throw notFound('review');
    const [row] = await this.select(eq(r.id, id));
    if (!row || (row.hiddenAt && !admin)) throw notFound('review');
    return view(row);
  }

  /** The counselor's one reply to a review of them; anyone else hears 404. */
  async reply(user: User, reviewId: string, text: string): Promise<ReviewView> {
    if (!UUID.test(reviewId)) throw notFound('review');
    const [target] = await this.ctx.database.db
      .select({ reply: r.reply, owner: consultCounselors.userId, hiddenAt: r.hiddenAt })
      .from(r)
      .innerJoin(consultCounselors, eq(consultCounselors.id, r.counselorId))
      .where(eq(r.id, reviewId));
    if (!target || target.owner !== user.id) throw notFound('review');
    const [done] = await this.ctx.database.db
      .update(r)
      .set({ reply: text, repliedAt: sql`now()` })
      .where(and(eq(r.id, reviewId), isNull(r.reply)))
      .returning({ id: r.id });
    if (!done) throw refused(409, 'body.text', 'this review has a reply already');
    return this.byIdOr404(reviewId, true);
  }

  /** Hides or shows a review (admins); the counselor's count and average follow in the same transaction. */
  async hide(reviewId: string, hidden: boolean): Promise<ReviewView> {
    if (!UUID.test(reviewId)) throw notFound('review');
    await this.ctx.tx(async (tx) => {
      const [row] = await tx
        .update(r)
        .set({ hiddenAt: hidden ? sql`now()` : null })
        .where(and(eq(r.id, reviewId), hidden ? isNull(r.hiddenAt) : sql`${r.hiddenAt} is not null`))
        .returning({ counselorId: r.counselorId, stars: r.stars });
      if (!row) {
        const [exists] = await tx.select({ id: r.id }).from(r).where(eq(r.id, reviewId));
        if (!exists) throw notFound('review');
        return;
      }
      const sign = hidden ? -1 : 1;
      await tx
        .update(consultCounselors)
        .set({
          reviewCount: sql`${consultCounselors.reviewCount} + ${sign}`,
          ratingSum: sql`${consultCounselors.ratingSum} + ${sign * row.stars}`,
        })
        .where(eq(consultCounselors.id, row.counselorId));
    });
    return this.byIdOr404(reviewId, true);
  }

  /** An admin's hide or show goes to the server log. */
  async logHide(adminId: string, reviewId: string, hidden: boolean) {
    await this.ctx.serverLog.write({
      level: 'info',
      source: 'consult',
      message: hidden ? 'review hidden' : 'review shown again',
      data: { reviewId },
      actorId: adminId,
    });
  }
}
