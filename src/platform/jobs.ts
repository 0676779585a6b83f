import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Database } from './db.ts';

export type JobHandler<T> = (data: T, job: { id: string }) => Promise<void>;

type Definition = {
  name: string;
  handler: JobHandler<never>;
  options: PgBoss.Queue;
  cron?: string;
};

/**
 * pg-boss on our own database (PGlite through a small executeSql adapter), for everything
 * scheduled, delayed or retried. Queues are declared by modules; workers run only in processes
 * that call startWorkers (serve by default, or `yeyak worker`).
 */
export class Jobs {
  readonly boss: PgBoss;
  private readonly definitions = new Map<string, Definition>();
  private readonly workers = new Map<string, string>();
  private started = false;
  /**
   * Set once stop() is over: a job that outlived the graceful wait may still finish and ask pg-boss
   * to record it, after the database is closed. That write is dropped (the job expires and runs
   * again after a restart) instead of crashing the process on its way out.
   */
  private closed = false;

  constructor(
    database: Database,
    private readonly log: Logger,
  ) {
    const executeSql = async (text: string, values?: unknown[]) => {
      if (this.closed) return { rows: [] };
      if (values?.length) return database.raw(text, values);
      try {
        return await database.exec(text);
      } catch (err) {
        // A failed multi-statement script can leave PGlite inside an aborted transaction.
        if (database.kind === 'pglite') await database.exec('ROLLBACK').catch(() => {});
        throw err;
      }
    };
    this.boss = new PgBoss({
      db: { executeSql },
      schema: 'pgboss',
      supervise: true,
      schedule: true,
      migrate: true,
      monitorStateIntervalSeconds: 60,
    });
    this.boss.on('error', (err) => this.log.error({ err }, 'job queue error'));
  }

  define<T>(
    name: string,
    handler: JobHandler<T>,
    options: Omit<PgBoss.Queue, 'name'> & { cron?: string } = {},
  ) {
    const { cron, ...queue } = options;
    this.definitions.set(name, {
      name,
      handler: handler as JobHandler<never>,
      options: { name, retryLimit: 5, retryDelay: 2, retryBackoff: true, ...queue },
      cron,
    });
  }

  private bossStarted = false;

  async start() {
    this.closed = false;
    await this.boss.start();
    this.bossStarted = true;
    // A dead-letter queue must exist before the queues that point at it.
    const ordered = [...this.definitions.values()].sort(
      (a, b) => Number(!!a.options.deadLetter) - Number(!!b.options.deadLetter),
    );
    for (const d of ordered) {
      if (!(await this.boss.getQueue(d.name))) await this.boss.createQueue(d.name, d.options);
    }
    this.started = true;
  }

  async startWorkers(pollingIntervalSeconds = 0.5, batchSize = 16) {
    for (const d of this.definitions.values()) {
      // pg-boss waits a full polling interval after every fetch, so fetch a batch and run it
      // concurrently; a job that fails is failed on its own (retry/dead-letter), the rest complete.
      const workerId = await this.boss.work<unknown>(
        d.name,
        { batchSize, pollingIntervalSeconds },
        async (jobs) => {
          await Promise.all(
            jobs.map(async (job) => {
              try {
                await d.handler(job.data as never, { id: job.id });
              } catch (err) {
                await this.boss.fail(d.name, job.id, {
                  message: String((err as Error).message ?? err).slice(0, 500),
                });
              }
            }),
          );
        },
      );
      this.workers.set(d.name, workerId);
      if (d.cron) await this.boss.schedule(d.name, d.cron, {}, { tz: 'UTC' });
    }
  }

  async send<T extends object>(name: string, data: T, options: PgBoss.SendOptions = {}) {
    if (!this.started) throw new Error(`job queue not started (sending ${name})`);
    const id = await this.boss.send(name, data, options);
    // A worker in this process picks the job up now instead of at its next poll.
    const workerId = this.workers.get(name);
    if (workerId && !options.startAfter) this.boss.notifyWorker(workerId);
    return id;
  }

  /** Many jobs in one statement; a job whose id exists already is skipped. */
  async insert(jobs: PgBoss.JobInsert[]) {
    if (!this.started) throw new Error('job queue not started');
    if (jobs.length === 0) return;
    await this.boss.insert(jobs);
    for (const name of new Set(jobs.map((j) => j.name))) {
      const workerId = this.workers.get(name);
      if (workerId) this.boss.notifyWorker(workerId);
    }
  }

  async sendAt<T extends object>(name: string, data: T, at: Date) {
    if (!this.started) throw new Error(`job queue not started (sending ${name})`);
    return this.boss.sendAfter(name, data, {}, at);
  }

  async stop() {
    if (this.bossStarted) await this.boss.stop({ graceful: true, wait: true, timeout: 5000 });
    this.closed = true;
    this.started = false;
    this.bossStarted = false;
  }
}
