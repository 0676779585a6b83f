import type { Context } from '../../platform/context.ts';
import type { DemoPeople } from '../../platform/demo.ts';
import { zonedParts, zonedToInstant } from '../../platform/time.ts';
import type { Tickets } from './service.ts';

/** A day `days` from now at `time` in Seoul. */
function seoul(days: number, time: string): Date {
  const today = zonedParts(new Date(Date.now() + days * 86_400_000), 'Asia/Seoul').date;
  return zonedToInstant(today, time, 'Asia/Seoul');
}

/** Three shows to try things with: one with seats, a small one, and one sold out (for the waiting list). */
export async function seedTicketsDemo(ctx: Context, tickets: Tickets, { organizer, buyer }: DemoPeople) {
  if (await tickets.hasEvents()) return;
  const poster = (name: string) => `${ctx.config.publicUrl}/posters/${name}.svg`;

  await tickets.createEvent(organizer, {
    code: 'PF132236',
    title: '뮤지컬 〈별이 빛나는 밤에〉',
    posterUrl: poster('starry'),
    venue: '예술의전당 CJ 토월극장',
    description: '고흐의 마지막 여름을 그린 창작 뮤지컬. A new musical about Van Gogh’s last summer.',
    showtimes: [1, 2, 3].map((d) => ({
      startsAt: seoul(d, '19:30'),
      ticketTypes: [
        { name: 'R석', price: 110_000, quota: 40 },
        { name: 'S석', price: 88_000, quota: 60 },
        { name: 'A석', price: 66_000, quota: 80 },
      ],
    })),
  });
  await tickets.createEvent(organizer, {
    code: 'PF200001',
    title: '재즈 나이트 at 클럽 에반스',
    posterUrl: poster('jazz'),
    venue: '홍대 클럽 에반스',
    description: '금요일 밤의 재즈 트리오. A jazz trio on Friday night.',
    showtimes: [4, 11].map((d) => ({
      startsAt: seoul(d, '20:00'),
      ticketTypes: [{ name: '스탠딩', price: 45_000, quota: 30 }],
    })),
  });
  const indie = await tickets.createEvent(organizer, {
    code: 'PF300003',
    title: '인디 밴드 쇼케이스',
    posterUrl: poster('indie'),
    venue: '성수 무대륙',
    description: '매진된 공연: 대기 신청을 해 보세요. Sold out: try the waiting list.',
    showtimes: [{ startsAt: seoul(6, '18:00'), ticketTypes: [{ name: '일반', price: 30_000, quota: 2 }] }],
  });
  await tickets.reserve(buyer, {
    ticketTypeId: indie.showtimes[0].ticketTypes[0].id,
    quantity: 2,
    source: 'web',
  });
}
