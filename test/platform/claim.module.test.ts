import { eq, inArray, sql } from 'drizzle-orm';
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Yeyak } from '../../src/app.ts';
import { claim, leaseFree, leaseHeld } from '../../src/platform/claim.ts';
import { harness } from '../harness.ts';
import { backends, freshPostgres } from '../helpers.ts';

/** A table of its own, so the claims here touch nothing a module owns. */
const jobs = pgTable('claim_test_rows', {
  id: text('id').primaryKey(),
  status: text('status', { enum: ['waiting', 'done'] }).notNull(),
  worker: text('worker'),
  takenAt: timestamp('taken_at', { withTimezone: true, mode: 'date' }),
  lapsesAt: timestamp('lapses_at', { withTimezone: true, mode: 'date' }),
});

const pause = (ms: number) => new Promise((res) => setTimeout(res, ms));

describe.each(backends)('claim() on %s', (backend) => {
  let y: Yeyak;
  let stop: () => Promise<void>;
  let drop = async () => {};
  beforeAll(async () => {
    let databaseUrl: string | undefined;
    if (backend === 'postgres') ({ url: databaseUrl, drop } = await freshPostgres());
    ({ y, stop } = await harness([], { databaseUrl }));
    await y.ctx.database.exec(
      `create table claim_test_rows (id text primary key, status text not null, worker text,
         taken_at timestamptz, lapses_at timestamptz)`,
    );
  });
  afterAll(async () => {
    await stop?.();
    await drop();
  });

  const row = async (id: string, status: 'waiting' | 'done' = 'waiting') => {
    await y.ctx.database.db.insert(jobs).values({ id, status });
    return id;
  };
  const take = (id: string, worker: string, seconds: number) =>
    claim(y.ctx.database.db, jobs, {
      lease: { column: jobs.takenAt, seconds },
      where: eq(jobs.id, id),
      open: inArray(jobs.status, ['waiting']),
      set: { worker },
    });

  it('gives a row to one of many concurrent claimers', async () => {
    const id = await row('race');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => take(id, `w${i}`, 60)));
    const winners = results.filter((r) => r.length === 1);
    expect(winners).toHaveLength(1);
    const [stored] = await y.ctx.database.db.select().from(jobs).where(eq(jobs.id, id));
    expect(stored.worker).toBe(winners[0][0].worker);
    expect(stored.takenAt).toBeInstanceOf(Date);
  });

  it('frees the row again once the lease has passed, and not before', async () => {
    const id = await row('lapse');
    expect(await take(id, 'first', 0.6)).toHaveLength(1);
    expect(await take(id, 'second', 0.6)).toHaveLength(0);
    const [held] = await y.ctx.database.db
      .select({
        held: sql<boolean>`${leaseHeld(jobs.takenAt, 0.6)}`,
        free: sql<boolean>`${leaseFree(jobs.takenAt, 0.6)}`,
      })
      .from(jobs)
      .where(eq(jobs.id, id));
    expect(held).toEqual({ held: true, free: false });
    await pause(900);
    const again = await take(id, 'second', 0.6);
    expect(again).toHaveLength(1);
    expect(again[0].worker).toBe('second');
  });

  it('never takes a row the open predicate excludes, however old its lease', async () => {
    const id = await row('finished', 'done');
    expect(await take(id, 'late', 60)).toHaveLength(0);
    const [stored] = await y.ctx.database.db.select().from(jobs).where(eq(jobs.id, id));
    expect(stored).toMatchObject({ worker: null, takenAt: null });
  });

  it('takes a row whose column holds when the lease lapses', async () => {
    const id = await row('until');
    const lock = (worker: string) =>
      claim(y.ctx.database.db, jobs, {
        lease: { column: jobs.lapsesAt, seconds: 0.6, holds: 'lapses' },
        where: eq(jobs.id, id),
        set: { worker },
      });
    const [first] = await lock('first');
    expect(first.lapsesAt?.getTime()).toBeGreaterThan(Date.now());
    expect(await lock('second')).toHaveLength(0);
    await pause(900);
    expect(await lock('second')).toHaveLength(1);
  });
});
