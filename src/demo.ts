import type { Tickets } from './modules/tickets/service.ts';
import type { Auth } from './platform/auth/service.ts';
import type { Context } from './platform/context.ts';
import { randomToken } from './platform/crypto.ts';
import { zonedParts, zonedToInstant } from './platform/time.ts';

/**
 * Demo accounts; the README lists them. They exist only when YEYAK_DEMO is on. The published password
 * is for the embedded database only: anywhere else the admin gets a generated one (see seedDemo).
 */
export const DEMO_PASSWORD = 'yeyak-demo';
export const DEMO_USERS = {
  admin: 'admin@yeyak.local',
  organizer: 'organizer@yeyak.local',
  user: 'user@yeyak.local',
} as const;

/** A day `days` from now at `time` in Seoul. */
function seoul(days: number, time: string): Date {
  const today = zonedParts(new Date(Date.now() + days * 86_400_000), 'Asia/Seoul').date;
  return zonedToInstant(today, time, 'Asia/Seoul');
}

/** The demo accounts anyone may log in to with DEMO_PASSWORD (for the web's one-click demo logins). */
export function publicDemoAccounts(ctx: Context): string[] {
  if (!ctx.config.demo) return [];
  const accounts: string[] = [DEMO_USERS.user, DEMO_USERS.organizer];
  return ctx.database.kind === 'pglite' ? [...accounts, DEMO_USERS.admin] : accounts;
}

/**
 * Fills an empty database with accounts and events to try things with. Does nothing once events exist.
 * Outside the embedded database (a shared PostgreSQL) a published admin password would outlive the demo,
 * so the admin gets a generated one, printed once to stdout (not to the log, which may be shipped).
 */
export async function seedDemo(
  ctx: Context,
  auth: Auth,
  tickets: Tickets,
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
) {
  if (await tickets.hasEvents()) return;
  const adminPassword = ctx.database.kind === 'pglite' ? DEMO_PASSWORD : randomToken(18);
  await auth.addUser({ email: DEMO_USERS.admin, password: adminPassword, role: 'admin', name: '관리자' });
  if (adminPassword !== DEMO_PASSWORD) {
    print(
      `yeyak demo: the admin ${DEMO_USERS.admin} has the generated password ${adminPassword} (shown once)`,
    );
  }
  const organizer = await auth.addUser({
    email: DEMO_USERS.organizer,
    password: DEMO_PASSWORD,
    role: 'organizer',
    name: '공연기획',
  });
  const buyer = await auth.addUser({
    email: DEMO_USERS.user,
    password: DEMO_PASSWORD,
    role: 'user',
    name: '김예약',
  });
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
  ctx.log.info({ users: Object.values(DEMO_USERS) }, 'demo data created');
}
