import { and, eq } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import type { Board } from './board.ts';
import type { Reviews } from './reviews.ts';
import { consultItems, consultRequests, consultRooms } from './schema.ts';

// Demo data for browsing: notices and board posts, and reviews of the demo counselors (each on a
// completed consultation made for it, as the payment flow would leave one).

const NOTICES = [
  {
    title: '예약 상담 서비스 오픈 안내',
    body: '사주·타로·신점 상담을 전화, 채팅, 방문, 카페 만남으로 받아 보세요.\n가입하면 보너스 포인트를 드립니다.',
  },
  {
    title: '설 연휴 고객센터 운영 안내',
    body: '연휴 기간에는 채팅 문의에 답이 늦을 수 있습니다. 양해 부탁드립니다.',
  },
];

const POSTS = [
  {
    title: '첫 타로 상담 후기',
    body: '생각보다 구체적으로 말씀해 주셔서 놀랐어요. 다음 달에 또 받아 볼게요.',
  },
  { title: '궁합 상담 받아 보신 분?', body: '결혼 전에 궁합 상담 받아 보신 분들 어떠셨나요? 추천해 주세요.' },
  { title: '전화 상담 팁', body: '질문을 미리 적어 두면 30초 단위 요금이 훨씬 아껴집니다 :)' },
];

const REVIEWS = [
  { stars: 5, body: '차분하게 잘 들어 주시고 현실적인 조언을 해 주셨어요.' },
  { stars: 4, body: '풀이가 자세해서 좋았습니다. 시간이 조금 짧았던 게 아쉬워요.' },
  { stars: 5, body: '두 번째 상담인데 역시 믿고 받습니다.' },
  { stars: 3, body: '무난했어요.' },
];

/**
 * Notices by the admin, posts by the writers, and one review per writer and counselor (up to four
 * per counselor). Counselors come from the demo seeding (their ids).
 */
export async function seedBrowseDemo(
  ctx: Context,
  api: { board: Board; reviews: Reviews },
  people: { admin: User; writers: User[]; counselorIds: string[] },
): Promise<void> {
  for (const n of NOTICES) await api.board.create(people.admin, { ...n, imageFileIds: [], notice: true });
  for (const [i, p] of POSTS.entries()) {
    const writer = people.writers[i % people.writers.length];
    if (writer) await api.board.create(writer, { ...p, imageFileIds: [] });
  }
  const db = ctx.database.db;
  for (const [ci, counselorId] of people.counselorIds.entries()) {
    for (const [wi, writer] of people.writers.slice(0, 4).entries()) {
      const review = REVIEWS[(ci + wi) % REVIEWS.length];
      if (!review) continue;
      let [room] = await db
        .select({ id: consultRooms.id })
        .from(consultRooms)
        .where(and(eq(consultRooms.userId, writer.id), eq(consultRooms.counselorId, counselorId)));
      if (!room)
        [room] = await db
          .insert(consultRooms)
          .values({ kind: 'counselor', userId: writer.id, counselorId })
          .returning({ id: consultRooms.id });
      const [item] = await db
        .select({
          id: consultItems.id,
          kind: consultItems.kind,
          title: consultItems.title,
          price: consultItems.price,
        })
        .from(consultItems)
        .where(and(eq(consultItems.counselorId, counselorId), eq(consultItems.active, true)))
        .limit(1);
      const chosen =
        item ??
        (
          await db
            .insert(consultItems)
            .values({ counselorId, kind: 'chat', title: '채팅 상담 30분', price: 10_000 })
            .returning({
              id: consultItems.id,
              kind: consultItems.kind,
              title: consultItems.title,
              price: consultItems.price,
            })
        )[0];
      if (!room || !chosen) continue;
      const done = new Date(Date.now() - (ci + wi + 1) * 86_400_000);
      const [request] = await db
        .insert(consultRequests)
        .values({
          roomId: room.id,
          counselorId,
          userId: writer.id,
          itemId: chosen.id,
          kind: chosen.kind,
          title: chosen.title,
          price: chosen.price,
          state: 'completed',
          expiresAt: done,
          paidAt: done,
          closedAt: done,
        })
        .returning({ id: consultRequests.id });
      if (!request) continue;
      await api.reviews.write(writer, { requestId: request.id, ...review }).catch((err: unknown) => {
        // Demo data is a nicety: a refused review (e.g. seeded twice) must not stop the start.
        ctx.log.warn({ err, counselorId }, 'demo review skipped');
      });
    }
  }
}
