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
  private readonly boss: PgBoss;
  private readonly definitions = new Map<string, Definition>();
  private readonly workers = new Map<string, string>();
  private started = false;
  /** Handlers running now, so stop() can wait for them before pg-boss and the database go. */
  private readonly running = new Set<Promise<unknown>>();
  /**
   * Set once stop() is over. A job that outlived the graceful wait must not reach pg-boss any more:
   * its completion would run on a closed database (the TypeError in Manager.fail that made a
   * SIGTERM exit 1). It is left active, expires, and runs again in the next worker.
   */
  private closed = false;
  /** Told of every failed run of a job (the server log records it). */
  onFailed?: (name: string, id: string, error: unknown) => void;

  constructor(
    database: Database,
    private readonly log: Logger,
  ) {
    const executeSql = async (text: string, values?: unknown[]) => {
      // After stop() nothing reaches the database (it is closing or closed). pg-boss may still
      // want to write, e.g. failing a job that outlived the wait when its expiry timer fires: its
      // call never settles, rather than rejecting where nothing catches it (which would end the
      // process with 1). The job stays active in the table, expires, and runs again elsewhere.
      if (this.closed) return new Promise<never>(() => {});
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
      // Expired jobs (their worker died) are found in this round; a short one brings them back soon.
      maintenanceIntervalSeconds: 10,
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
      else await this.boss.updateQueue(d.name, d.options);
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
          const batch = Promise.all(
            jobs.map(async (job) => {
              try {
                await d.handler(job.data as never, { id: job.id });
              } catch (err) {
                if (this.closed) return;
                this.onFailed?.(d.name, job.id, err);
                await this.boss
                  .fail(d.name, job.id, { message: String((err as Error).message ?? err).slice(0, 500) })
                  .catch((e: Error) => this.log.warn({ err: e.message, job: job.id }, 'could not fail job'));
              }
            }),
          );
          this.running.add(batch);
          try {
            await batch;
          } finally {
            this.running.delete(batch);
          }
          // Past stop(): never settle, so pg-boss does not write the outcome to a closed database.
          if (this.closed) await new Promise(() => {});
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

  /** Marks an active job failed (its worker is gone), so its queue may run the next one. */
  async fail(name: string, id: string, message: string) {
    await this.boss.fail(name, id, { message });
  }

  /**
   * In an order that cannot fail: stop fetching, let running handlers finish (up to timeoutMs), stop
   * pg-boss, and only then refuse further database calls. The caller closes the database after.
   */
  async stop(timeoutMs = 10_000) {
    if (this.bossStarted) {
      for (const name of this.workers.keys()) await this.boss.offWork(name);
      this.workers.clear();
      // A fetch in flight can still start a batch after offWork, so wait until none is running.
      const deadline = Date.now() + timeoutMs;
      while (this.running.size > 0 && Date.now() < deadline) {
        await Promise.race([
          Promise.allSettled([...this.running]),
          new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref()),
        ]);
        await new Promise((r) => setTimeout(r, 50));
      }
      const waited = this.running.size === 0;
      if (!waited)
        this.log.warn({ jobs: this.running.size }, 'jobs still running at shutdown; they will run again');
      // pg-boss marks jobs still running as failed (so they are retried), while the database is open.
      await this.boss
        .stop({ graceful: true, wait: true, timeout: 1000 })
        .catch((err: Error) => this.log.warn({ err: err.message }, 'job queue stop'));
    }
    this.closed = true;
    this.started = false;
    this.bossStarted = false;
  }
}
