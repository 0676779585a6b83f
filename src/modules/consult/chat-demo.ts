import { eq } from 'drizzle-orm';
import { toUser, type User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { users } from '../../platform/schema.ts';
import type { Consult } from './index.ts';

/**
 * Demo data of the chat area: the counselor's service items (when they have none), a chat between
 * the demo user and that counselor, and a pending payment request in it. Call it once the demo
 * counselors exist, with the id of a linked one.
 */
export async function seedChatDemo(
  ctx: Context,
  consult: Consult,
  input: { user: User; counselorId: string },
) {
  const counselor = await consult.counselors.byIdOr404(input.counselorId);
  if (!counselor.userId) throw new Error(`demo counselor ${counselor.id} is not linked to an account`);
  const [row] = await ctx.database.db.select().from(users).where(eq(users.id, counselor.userId));
  if (!row) throw new Error('the demo counselor has no account');
  const acting = toUser(row);
  let items = await consult.items.mine(acting);
  if (!items.length) {
    for (const item of [
      { kind: 'phone', title: '전화 상담', description: '30초 단위로 차감됩니다.', price: 900 },
      {
        kind: 'chat',
        title: '채팅 사주 상담 (30분)',
        description: '생년월일시를 알려 주세요.',
        price: 15_000,
      },
      { kind: 'visit', title: '방문 상담 (1시간)', description: '서울 강남 상담실', price: 50_000 },
      { kind: 'cafe', title: '카페 상담 (1시간)', description: '가까운 카페에서 뵙습니다.', price: 40_000 },
    ] as const)
      await consult.items.create(acting, item);
    items = await consult.items.mine(acting);
  }
  const room = await consult.chat.openWithCounselor(input.user, counselor.id);
  await consult.chat.send(input.user, room.id, { text: '안녕하세요, 이번 주에 사주 상담 가능할까요?' });
  await consult.chat.send(acting, room.id, {
    text: '안녕하세요! 목요일 저녁 8시 어떠세요? 채팅 상담으로 결제 요청 드릴게요.',
  });
  const chatItem = items.find((i) => i.kind === 'chat') ?? items[0];
  if (!chatItem) return;
  const thursday = new Date(Date.now() + 3 * 86_400_000);
  thursday.setUTCHours(11, 0, 0, 0); // 20:00 KST
  await consult.requests.send(acting, room.id, {
    itemId: chatItem.id,
    note: '목요일 20시 채팅 상담',
    appointmentAt: thursday.toISOString(),
  });
}
