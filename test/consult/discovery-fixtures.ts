import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Yeyak } from '../../src/app.ts';
import {
  consultCounselors,
  consultItems,
  consultRequests,
  consultRooms,
  type RequestState,
  type Service,
} from '../../src/modules/consult/schema.ts';

/** Counselor rows as the list, profile, reviews and board tests need them. */
export type CounselorSpec = {
  name: string;
  status?: 'online' | 'offline' | 'busy';
  weight?: number;
  reviewCount?: number;
  ratingSum?: number;
  categories?: string[];
  services?: Service[];
  state?: 'active' | 'hidden' | 'suspended';
  linked?: boolean;
  gone?: boolean;
};

let seq = 0;

/**
 * A counselor row linked through Counselors.link (as the lead's code links them), then the
 * profile, admin fields and secrets set directly. Returns its id and its account's id.
 */
export async function makeCounselor(y: Yeyak, spec: CounselorSpec): Promise<{ id: string; userId?: string }> {
  const code = `${Date.now() % 100000}${++seq}${randomBytes(2).toString('hex')}`;
  // Inserted, not synced: applyLines takes the whole 060 list and would mark the others gone.
  const db = y.ctx.database.db;
  const [row] = await db
    .insert(consultCounselors)
    .values({ code, name: spec.name, grade: 'GOLD', ratePer30s: 1000, lineStatus: spec.status ?? 'online' })
    .returning({ id: consultCounselors.id });
  const id = row?.id as string;
  let userId: string | undefined;
  if (spec.linked !== false) {
    const user = await y.auth.addUser({
      email: `c-${code}@test.yeyak`,
      password: 'password-123',
      role: 'user',
    });
    await y.consult.counselors.link(id, user.id);
    userId = user.id;
  }
  await db
    .update(consultCounselors)
    .set({
      searchWeight: spec.weight ?? 0,
      reviewCount: spec.reviewCount ?? 0,
      ratingSum: spec.ratingSum ?? 0,
      categories: spec.categories ?? ['사주'],
      services: spec.services ?? ['phone', 'chat'],
      state: spec.state ?? 'active',
      goneAt: spec.gone ? new Date() : null,
      intro: `${spec.name} 소개`,
      memo: `SECRET-MEMO-${code}`,
      contact: `SECRET-CONTACT-${code}`,
      address: `SECRET-ADDRESS-${code}`,
    })
    .where(eq(consultCounselors.id, id));
  return { id, userId };
}

/** A payment request of the user to the counselor in a given state (completed `daysAgo` days ago). */
export async function makeRequest(
  y: Yeyak,
  userId: string,
  counselorId: string,
  opts: { state?: RequestState; daysAgo?: number } = {},
): Promise<string> {
  const db = y.ctx.database.db;
  let [room] = await db
    .select({ id: consultRooms.id })
    .from(consultRooms)
    .where(and(eq(consultRooms.userId, userId), eq(consultRooms.counselorId, counselorId)));
  if (!room) {
    [room] = await db
      .insert(consultRooms)
      .values({ kind: 'counselor', userId, counselorId })
      .returning({ id: consultRooms.id });
  }
  const [item] = await db
    .insert(consultItems)
    .values({ counselorId, kind: 'chat', title: '채팅 상담 30분', price: 10_000 })
    .returning({ id: consultItems.id });
  const closedAt = new Date(Date.now() - (opts.daysAgo ?? 1) * 86_400_000);
  const [req] = await db
    .insert(consultRequests)
    .values({
      roomId: room?.id as string,
      counselorId,
      userId,
      itemId: item?.id as string,
      kind: 'chat',
      title: '채팅 상담 30분',
      price: 10_000,
      state: opts.state ?? 'completed',
      expiresAt: new Date(Date.now() + 86_400_000),
      paidAt: closedAt,
      closedAt: opts.state && opts.state !== 'completed' ? null : closedAt,
    })
    .returning({ id: consultRequests.id });
  return req?.id as string;
}
