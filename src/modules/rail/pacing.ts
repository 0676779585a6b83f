import { sql } from 'drizzle-orm';
import { type Db, selectRows } from '../../platform/db.ts';

export type Slot = { waitMs: number } | { blockedUntil: Date; reason: string };

/**
 * Request pacing shared through the database, so the limits hold for every process on it, not per
 * process: each request takes the next free slot of its key in one statement (a row lock orders the
 * takers), then waits for it. A paused key (after an operator block) hands out no slot at all.
 */
export class SharedPacing {
  constructor(private readonly db: Db) {}

  async take(key: string, intervalMs: number): Promise<Slot> {
    const secs = Math.max(0, intervalMs) / 1000;
    const [row] = await selectRows<{ wait_ms: number; blocked_ms: number | null; reason: string | null }>(
      this.db,
      sql`insert into rail_pacing (key, next_at) values (${key}, now() + make_interval(secs => ${secs}))
          on conflict (key) do update set next_at = case
            when rail_pacing.blocked_until > now() then rail_pacing.next_at
            else greatest(rail_pacing.next_at, now()) + make_interval(secs => ${secs}) end
          returning
            greatest(0, extract(epoch from (next_at - now())) * 1000 - ${intervalMs})::float8 as wait_ms,
            case when blocked_until > now()
              then (extract(epoch from blocked_until) * 1000)::float8 end as blocked_ms,
            blocked_reason as reason`,
    );
    if (row.blocked_ms != null)
      return { blockedUntil: new Date(row.blocked_ms), reason: row.reason ?? 'blocked' };
    return { waitMs: Number(row.wait_ms) };
  }

  /** How far ahead the key's slots are taken now (0 when the next request could go at once). */
  async backlogMs(key: string): Promise<number> {
    const [row] = await selectRows<{ ms: number }>(
      this.db,
      sql`select greatest(0, extract(epoch from (next_at - now())) * 1000)::float8 as ms
          from rail_pacing where key = ${key}`,
    );
    return row ? Number(row.ms) : 0;
  }

  /** Pauses a key for `minutes`; an existing longer pause is kept. */
  async pause(key: string, minutes: number, reason: string): Promise<Date> {
    const [row] = await selectRows<{ until_ms: number }>(
      this.db,
      sql`insert into rail_pacing (key, next_at, blocked_until, blocked_reason)
          values (${key}, now(), now() + make_interval(mins => ${minutes}), ${reason})
          on conflict (key) do update set
            blocked_until = greatest(coalesce(rail_pacing.blocked_until, now()), excluded.blocked_until),
            blocked_reason = excluded.blocked_reason
          returning (extract(epoch from blocked_until) * 1000)::float8 as until_ms`,
    );
    return new Date(row.until_ms);
  }

  /** The pause on a key now, if any. */
  async paused(key: string): Promise<{ until: Date; reason: string } | undefined> {
    const [row] = await selectRows<{ until_ms: number; reason: string | null }>(
      this.db,
      sql`select (extract(epoch from blocked_until) * 1000)::float8 as until_ms, blocked_reason as reason
          from rail_pacing where key = ${key} and blocked_until > now()`,
    );
    return row ? { until: new Date(row.until_ms), reason: row.reason ?? 'blocked' } : undefined;
  }

  /** Ends a pause early (an operator's admin decision, and tests). */
  async resume(key: string): Promise<void> {
    await this.db.execute(
      sql`update rail_pacing set blocked_until = null, blocked_reason = null where key = ${key}`,
    );
  }
}
