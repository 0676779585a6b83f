/**
 * Poll jobs left behind by a dead process. pg-boss keeps a job `active` until it expires; with the
 * "stately" policy the next poll of that search cannot start meanwhile, so after a kill -9 a watch
 * would stall for minutes. Each process registers itself (host, pid, heartbeat) and notes which
 * poll jobs it runs; a job whose process is gone is failed at start and by the minute sweep, and its
 * search is polled again at once.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { eq, lt } from 'drizzle-orm';
import type { Context } from '../../platform/context.ts';
import type { JobSpec } from '../../platform/module.ts';
import { POLL_QUEUES } from './poll.ts';
import { railPollJobs, railRuns } from './schema.ts';
import type { Rail } from './service.ts';

/** A process that has not beaten for this long (another host) is taken as dead. */
const DEAD_AFTER_MS = 30_000;
const BEAT_MS = 10_000;

type ActivePoll = {
  id: string;
  name: string;
  key: string | null;
  started_on: Date | string;
  run_id: string | null;
  host: string | null;
  pid: number | null;
  seen_at: Date | string | null;
};

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class PollRuns {
  readonly id = randomUUID();
  private readonly host = hostname();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: Context) {}

  async start() {
    await this.ctx.database.db
      .insert(railRuns)
      .values({ id: this.id, host: this.host, pid: process.pid })
      .onConflictDoNothing();
    this.timer = setInterval(() => {
      this.ctx.database.db
        .update(railRuns)
        .set({ seenAt: new Date() })
        .where(eq(railRuns.id, this.id))
        .catch((err) => this.ctx.log.warn({ err }, 'rail: heartbeat failed'));
    }, BEAT_MS);
    this.timer.unref();
  }

  async stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ctx.database.db
      .delete(railRuns)
      .where(eq(railRuns.id, this.id))
      .catch(() => {});
  }

  /** Runs a poll job, noting that this process runs it. */
  async running<T>(jobId: string, work: () => Promise<T>): Promise<T> {
    await this.ctx.database.db
      .insert(railPollJobs)
      .values({ jobId, runId: this.id })
      .onConflictDoNothing()
      .catch((err) => this.ctx.log.warn({ err }, 'rail: could not note a running poll'));
    try {
      return await work();
    } finally {
      await this.ctx.database.db
        .delete(railPollJobs)
        .where(eq(railPollJobs.jobId, jobId))
        .catch(() => {});
    }
  }

  /** Whether the process behind an active poll job is certainly gone. */
  private dead(p: ActivePoll, now: number): boolean {
    if (!p.run_id) return new Date(p.started_on).getTime() < now - DEAD_AFTER_MS;
    if (p.run_id === this.id) return false;
    if (p.host === null) return true; // its process removed its row on the way out
    if (p.host === this.host && p.pid !== null) {
      // Same machine: the pid tells at once (a container restarted keeps its pid, but not its run).
      if (p.pid === process.pid || !pidAlive(p.pid)) return true;
    }
    return p.seen_at !== null && new Date(p.seen_at).getTime() < now - DEAD_AFTER_MS;
  }

  /** Fails the poll jobs of dead processes; returns their search keys (to be polled again). */
  async recover(): Promise<string[]> {
    const { rows } = await this.ctx.database.raw(
      `SELECT j.id, j.name, j.data->>'key' AS key, j.started_on, p.run_id, r.host, r.pid, r.seen_at
         FROM pgboss.job j
         LEFT JOIN rail_poll_jobs p ON p.job_id = j.id
         LEFT JOIN rail_runs r ON r.id = p.run_id
        WHERE j.name = ANY($1) AND j.state = 'active'`,
      [Object.values(POLL_QUEUES)],
    );
    const now = Date.now();
    const keys: string[] = [];
    for (const p of rows as ActivePoll[]) {
      if (!this.dead(p, now)) continue;
      await this.ctx.jobs.fail(p.name, p.id, 'its process died');
      await this.ctx.database.db.delete(railPollJobs).where(eq(railPollJobs.jobId, p.id));
      this.ctx.log.warn({ jobId: p.id, key: p.key }, 'rail: poll of a dead process failed; polling again');
      if (p.key) keys.push(p.key);
    }
    await this.ctx.database.db
      .delete(railRuns)
      .where(lt(railRuns.seenAt, new Date(now - 10 * DEAD_AFTER_MS)));
    return keys;
  }
}

/** Fails the polls a dead process left active, then makes sure every search has its poll. */
export async function resumePolls(ctx: Context, runs: PollRuns, rail: Pick<Rail, 'sweep'>) {
  await runs.recover().catch((err) => ctx.log.warn({ err }, 'rail: could not recover polls'));
  await rail.sweep();
}

/** Every minute, the safety sweep: polls of dead processes recovered, lost polls queued again. */
export function sweepJob(ctx: Context, runs: PollRuns, rail: Pick<Rail, 'sweep'>): JobSpec {
  return {
    name: 'rail.sweep',
    handler: async () => {
      await resumePolls(ctx, runs, rail);
    },
    options: { cron: '* * * * *', retryLimit: 0 },
  };
}
