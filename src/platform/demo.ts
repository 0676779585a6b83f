import type { Auth, User } from './auth/service.ts';
import type { Context } from './context.ts';
import { randomToken } from './crypto.ts';

/**
 * Demo accounts; the README lists them. They exist only when YEYAK_DEMO is on. The published password
 * is for the embedded database only: anywhere else the admin gets a generated one (see seedDemo).
 */
export const DEMO_PASSWORD = 'yeyak-demo';
export const DEMO_USERS = {
  admin: 'admin@yeyak.local',
  organizer: 'organizer@yeyak.local',
  user: 'user@yeyak.local',
  counselor: 'counselor@yeyak.local',
} as const;

/** The demo accounts anyone may log in to with DEMO_PASSWORD (for the web's one-click demo logins). */
export function publicDemoAccounts(ctx: Context): string[] {
  if (!ctx.config.demo) return [];
  const accounts: string[] = [DEMO_USERS.user, DEMO_USERS.organizer, DEMO_USERS.counselor];
  return ctx.database.kind === 'pglite' ? [...accounts, DEMO_USERS.admin] : accounts;
}

/** The demo people a module's demo data is made for (see ModuleInstance.demo). */
export type DemoPeople = { organizer: User; buyer: User; counselor: User; admin: User };

/**
 * Creates the demo accounts on a database that has none; returns them then, else undefined (the
 * modules' demo data exists already and is not made again). Outside the embedded database (a shared
 * PostgreSQL) a published admin password would outlive the demo, so the admin gets a generated one,
 * printed once to stdout (not to the log, which may be shipped).
 */
export async function seedDemoPeople(
  ctx: Context,
  auth: Auth,
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<DemoPeople | undefined> {
  const { rows } = await ctx.database.raw('select 1 from users where lower(email) = $1 limit 1', [
    DEMO_USERS.admin,
  ]);
  if (rows.length > 0) return undefined;
  const adminPassword = ctx.database.kind === 'pglite' ? DEMO_PASSWORD : randomToken(18);
  const admin = await auth.addUser({
    email: DEMO_USERS.admin,
    password: adminPassword,
    role: 'admin',
    name: '관리자',
  });
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
  const counselor = await auth.addUser({
    email: DEMO_USERS.counselor,
    password: DEMO_PASSWORD,
    role: 'counselor',
    name: '상담사',
  });
  ctx.log.info({ users: Object.values(DEMO_USERS) }, 'demo accounts created');
  return { organizer, buyer, counselor, admin };
}
