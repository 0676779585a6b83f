import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { type Database, errorText, selectRows } from '../db.ts';
import { currentTopic } from './topics.ts';
import type { Broker, DomainEvent } from './types.ts';

type OutboxRow = {
  seq: string | number;
  id: string;
  topic: string;
  payload: unknown;
  created_at: Date | string;
};

/**
 * Moves committed outbox rows to the broker, oldest first. It runs on a short timer and when nudged
 * after a commit. On PostgreSQL several relays can run (FOR UPDATE SKIP LOCKED); a failed publish leaves
 * the rows for the next round, so nothing is lost while the broker is down.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private again = false;
  private stopped = true;
  private failures = 0;
  lastError?: string;

  constructor(
    private readonly database: Database,
    private readonly broker: Broker,
    private readonly log: Logger,
    private readonly intervalMs = 500,
    private readonly batchSize = 200,
  ) {}

  start() {
    this.stopped = false;
    this.schedule(0);
  }

  /** Ask for a round soon: called after a transaction that emitted events commits. */
  nudge() {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(ms: number) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick() {
    this.timer = undefined;
    let sent = 0;
    try {
      sent = await this.drain();
      this.failures = 0;
      this.lastError = undefined;
    } catch (err) {
      this.failures++;
      this.lastError = errorText(err);
      if (this.failures === 1 || this.failures % 20 === 0) {
        this.log.warn({ err: this.lastError }, 'outbox relay could not publish; will retry');
      }
    }
    const again = this.again || sent === this.batchSize;
    this.again = false;
    const backoff = Math.min(this.intervalMs * 2 ** Math.min(this.failures, 5), 15_000);
    this.schedule(again && this.failures === 0 ? 0 : this.failures ? backoff : this.intervalMs);
  }

  /** Publishes until the outbox is empty; returns how many events went out in the last batch. */
  async drain(): Promise<number> {
    if (this.running) return this.running;
    this.running = this.round();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async round(): Promise<number> {
    const { database } = this;
    const select = `select seq, id, topic, payload, created_at from outbox where published_at is null order by seq limit ${this.batchSize}`;
    if (database.kind === 'postgres') {
      // One transaction holds the row locks while publishing, so concurrent relays skip these rows.
      const { db } = database;
      return db.transaction(async (tx) => {
        const rows = await selectRows<OutboxRow>(tx, sql.raw(`${select} for update skip locked`));
        return this.publishRows(rows, async (ids) => {
          // seqs come from the database as integers, so inlining them is safe.
          await tx.execute(sql.raw(`update outbox set published_at = now() where seq in (${ids.join(',')})`));
        });
      });
    }
    // PGlite has one connection and one process (the lock file): no row locks needed, and holding a
    // transaction open here would block the job queue that shares the connection.
    const res = await database.raw(select);
    return this.publishRows(res.rows as OutboxRow[], async (ids) => {
      await database.raw('update outbox set published_at = now() where seq = any($1::bigint[])', [ids]);
    });
  }

  private async publishRows(rows: OutboxRow[], markPublished: (seqs: string[]) => Promise<void>) {
    if (rows.length === 0) return 0;
    const events: DomainEvent[] = rows.map((r) => ({
      id: r.id,
      topic: currentTopic(r.topic),
      payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
      createdAt: new Date(r.created_at).toISOString(),
    }));
    await this.broker.publish(events);
    await markPublished(rows.map((r) => String(r.seq)));
    return rows.length;
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }
}
