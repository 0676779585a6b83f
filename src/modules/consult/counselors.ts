import { and, eq, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import type { Context } from '../../platform/context.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import { users } from '../../platform/schema.ts';
import { consultCounselors, type LINE_STATUSES } from './schema.ts';

// Counselors as the 060 service lists them, kept in step by sync, and linked to the yeyak account that
// acts as each of them.

/** One counselor as the 060 service lists them. */
export type LineCounselor = {
  code: string;
  name: string;
  grade: string;
  ratePer30s: number;
  status: (typeof LINE_STATUSES)[number];
  email?: string;
};

export type CounselorRow = typeof consultCounselors.$inferSelect;

export type SyncResult = { added: number; updated: number; gone: number; linked: number };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class Counselors {
  constructor(private readonly ctx: Context) {}

  async byId(id: string): Promise<CounselorRow | undefined> {
    if (!UUID.test(id)) return undefined;
    const [row] = await this.ctx.database.db
      .select()
      .from(consultCounselors)
      .where(eq(consultCounselors.id, id));
    return row;
  }

  async byIdOr404(id: string): Promise<CounselorRow> {
    const row = await this.byId(id);
    if (!row) throw notFound('counselor');
    return row;
  }

  /** The counselor an account acts as, if any. */
  async byUser(userId: string): Promise<CounselorRow | undefined> {
    const [row] = await this.ctx.database.db
      .select()
      .from(consultCounselors)
      .where(eq(consultCounselors.userId, userId));
    return row;
  }

  /**
   * Takes the 060 service's list: adds new codes, updates name, grade, rate and line status of known
   * ones (never the profile their counselor wrote), and marks codes no longer listed as gone.
   */
  async applyLines(lines: LineCounselor[]): Promise<Omit<SyncResult, 'linked'>> {
    let added = 0;
    let updated = 0;
    await this.ctx.tx(async (tx) => {
      for (const line of lines) {
        const [row] = await tx
          .insert(consultCounselors)
          .values({
            code: line.code,
            name: line.name,
            grade: line.grade,
            ratePer30s: line.ratePer30s,
            lineStatus: line.status,
          })
          .onConflictDoUpdate({
            target: consultCounselors.code,
            set: {
              name: line.name,
              grade: line.grade,
              ratePer30s: line.ratePer30s,
              lineStatus: line.status,
              goneAt: null,
              syncedAt: sql`now()`,
              updatedAt: sql`now()`,
            },
          })
          .returning({ inserted: sql<boolean>`(xmax = 0)` });
        if (row?.inserted) added++;
        else updated++;
      }
    });
    const codes = lines.map((l) => l.code);
    const gone = await this.ctx.database.db
      .update(consultCounselors)
      .set({ goneAt: sql`now()`, lineStatus: 'offline', updatedAt: sql`now()` })
      .where(
        and(
          isNull(consultCounselors.goneAt),
          codes.length ? notInArray(consultCounselors.code, codes) : undefined,
        ),
      )
      .returning({ id: consultCounselors.id });
    return { added, updated, gone: gone.length };
  }

  /**
   * Links a counselor to an account, which becomes a counselor (an admin stays an admin). An account
   * acts as one counselor at most; a counselor has one account.
   */
  async link(counselorId: string, userId: string): Promise<CounselorRow> {
    const counselor = await this.byIdOr404(counselorId);
    const other = await this.byUser(userId);
    if (other && other.id !== counselorId) throw conflict('this account already acts as another counselor');
    return this.ctx.tx(async (tx) => {
      const [linked] = await tx
        .update(consultCounselors)
        .set({ userId, updatedAt: sql`now()` })
        .where(eq(consultCounselors.id, counselor.id))
        .returning();
      await tx
        .update(users)
        .set({ role: 'counselor' })
        .where(and(eq(users.id, userId), inArray(users.role, ['user', 'organizer'])));
      return linked as CounselorRow;
    });
  }
}
