import { eq, sql } from 'drizzle-orm';
import { SEED } from '../../../sims/phone060/world.ts';
import type { Context } from '../../platform/context.ts';
import type { DemoPeople } from '../../platform/demo.ts';
import type { Counselors } from './counselors.ts';
import { consultCounselors } from './schema.ts';
import type { CounselorSync } from './sync.ts';

const PROFILES: Record<
  string,
  { categories: string[]; services: ('phone' | 'chat' | 'visit' | 'cafe')[]; intro: string; weight: number }
> = {
  '101': {
    categories: ['사주', '궁합'],
    services: ['phone', 'chat', 'visit'],
    intro: '30년 경력의 명리학 상담',
    weight: 10,
  },
  '102': {
    categories: ['타로', '궁합'],
    services: ['phone', 'chat'],
    intro: '연애와 관계를 타로로 풀어 드립니다',
    weight: 5,
  },
  '103': {
    categories: ['사주', '작명'],
    services: ['phone', 'chat', 'cafe'],
    intro: '이름과 사주로 보는 흐름',
    weight: 3,
  },
  '104': { categories: ['신점'], services: ['phone', 'visit'], intro: '차분한 신점 상담', weight: 0 },
  '105': {
    categories: ['풍수', '사주'],
    services: ['phone', 'chat'],
    intro: '집과 일터의 기운을 봅니다',
    weight: 0,
  },
};

/**
 * Demo counselors: the five the 060 stand-in starts with (the server is not listening yet, so they
 * are applied from the stand-in's own list; the sync job keeps them in step afterwards). The demo
 * counselor account acts as 101; the other four get accounts of their own.
 */
export async function seedCounselorsDemo(
  ctx: Context,
  d: { counselors: Counselors; sync: CounselorSync },
  people: DemoPeople,
): Promise<{ counselorId: string; counselorIds: string[] } | undefined> {
  let counselorId: string | undefined;
  const counselorIds: string[] = [];
  await d.counselors.applyLines(
    SEED.map((c) => ({
      code: c.code,
      name: c.nickname,
      grade: c.grade,
      ratePer30s: c.rate,
      status: c.status,
    })),
  );
  for (const c of SEED) {
    const [row] = await ctx.database.db
      .select()
      .from(consultCounselors)
      .where(eq(consultCounselors.code, c.code));
    if (!row) continue;
    counselorIds.push(row.id);
    const p = PROFILES[c.code];
    await ctx.database.db
      .update(consultCounselors)
      .set({
        categories: p?.categories ?? [],
        services: p?.services ?? ['phone'],
        intro: p?.intro ?? '',
        searchWeight: p?.weight ?? 0,
        autoOnline: false,
        lastSeenAt: sql`now()`,
      })
      .where(eq(consultCounselors.id, row.id));
    if (c.code === '101') {
      await d.counselors.link(row.id, people.counselor.id);
      counselorId = row.id;
    } else await d.sync.linkByEmail(row.id, `counselor${c.code}@yeyak.local`);
  }
  return counselorId ? { counselorId, counselorIds } : undefined;
}
