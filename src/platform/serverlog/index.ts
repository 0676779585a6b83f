import { and, desc, eq, gte, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { z } from 'zod';
import { type Database, dbErrorForLog } from '../db.ts';
import type { JobSpec } from '../module.ts';
import { users } from '../schema.ts';
import { defineSetting } from '../settings/spec.ts';
import { serverLog } from './schema.ts';

export type LogLevel = 'info' | 'warn' | 'error';

export type LogEntry = {
  level: LogLevel;
  /** Where it happened: `http`, `jobs`, `events`, `admin`, `discord`, or a module's name. */
  source: string;
  message: string;
  data?: Record<string, unknown>;
  actorId?: string | null;
  requestId?: string | null;
};

export type LogRow = {
  id: number;
  at: string;
  level: LogLevel;
  source: string;
  message: string;
  data: Record<string, unknown> | null;
  actorId: string | null;
  actorEmail: string | null;
  requestId: string | null;
};

export type LogSearch = {
  level?: LogLevel;
  source?: string;
  /** A user id; an e-mail is resolved to it by the route. */
  actorId?: string;
  from?: Date;
  to?: Date;
  /** Words, all of which must appear in the message or source. */
  q?: string;
  /** Rows older than this id (the previous page's nextBefore). */
  before?: number;
  limit: number;
};

/** How long rows stay: the runtime setting serverLog.retentionDays (admins change it at /admin/settings). */
export const retentionDays = defineSetting({
  key: 'serverLog.retentionDays',
  schema: z.number().int('whole days').min(1, 'at least 1 day').max(3650, 'at most 3,650 days'),
  default: 90,
  access: 'admin',
  label: { en: 'Days the server log keeps its rows', ko: '서버 로그를 보관하는 기간(일)' },
});

/** An error's text fit for the log: a failed statement as SQL text and SQLSTATE, never its values. */
export function safeErrorText(err: unknown): string {
  const db = dbErrorForLog(err);
  const text = db ? `${db.message}${db.sql ? `: ${db.sql}` : ''}` : String((err as Error)?.message ?? err);
  return text.replace(/\nparams: [\s\S]*$/, '').slice(0, 1000);
}

/** The server's own log of what admins must see (`ctx.serverLog`); see schema.ts. */
export class ServerLog {
  constructor(
    private readonly database: Database,
    private readonly log: Logger,
    /** The retention in days, read when the job runs (a runtime setting). */
    private readonly keepDays: () => number = () => 90,
  ) {}

  /** Never throws: a log row that cannot be written must not fail what it reports on. */
  async write(entry: LogEntry): Promise<void> {
    try {
      await this.database.db.insert(serverLog).values({
        level: entry.level,
        source: entry.source,
        message: entry.message.slice(0, 2000),
        data: entry.data ?? null,
        actorId: entry.actorId ?? null,
        requestId: entry.requestId ?? null,
      });
    } catch (err) {
      this.log.warn({ err, source: entry.source }, 'could not write the server log');
    }
  }

  async search(f: LogSearch): Promise<{ rows: LogRow[]; nextBefore: number | null }> {
    const where: SQL[] = [];
    if (f.level) where.push(eq(serverLog.level, f.level));
    if (f.source) where.push(eq(serverLog.source, f.source));
    if (f.actorId) where.push(eq(serverLog.actorId, f.actorId));
    if (f.from) where.push(gte(serverLog.at, f.from));
    if (f.to) where.push(lte(serverLog.at, f.to));
    if (f.before !== undefined) where.push(lt(serverLog.id, f.before));
    if (f.q) where.push(sql`${serverLog.search} @@ plainto_tsquery('simple', ${f.q})`);
    const rows = await this.database.db
      .select({
        id: serverLog.id,
        at: serverLog.at,
        level: serverLog.level,
        source: serverLog.source,
        message: serverLog.message,
        data: serverLog.data,
        actorId: serverLog.actorId,
        actorEmail: users.email,
        requestId: serverLog.requestId,
      })
      .from(serverLog)
      .leftJoin(users, eq(users.id, serverLog.actorId))
      .where(and(...where))
      .orderBy(desc(serverLog.id))
      .limit(f.limit + 1);
    const page = rows.slice(0, f.limit).map((r) => ({ ...r, at: r.at.toISOString() }));
    return { rows: page, nextBefore: rows.length > f.limit ? (page[page.length - 1]?.id ?? null) : null };
  }

  /** Removes rows older than the retention; the daily job runs it. */
  async prune(days = this.keepDays()): Promise<number> {
    const gone = await this.database.db
      .delete(serverLog)
      .where(sql`${serverLog.at} < now() - make_interval(days => ${days})`)
      .returning({ id: serverLog.id });
    return gone.length;
  }

  jobs(): JobSpec<never>[] {
    return [
      {
        name: 'serverlog.prune',
        handler: async () => {
          await this.prune();
        },
        options: { cron: '17 3 * * *', retryLimit: 0 },
      },
    ];
  }
}
