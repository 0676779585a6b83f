/**
 * Claims: "take this row unless someone took it less than N seconds ago". The lease is a timestamp
 * column on the row, read and written on the database's clock (now()), so workers on machines whose
 * clocks disagree still agree on who holds a row. Taking is one conditional UPDATE … RETURNING: the
 * database decides between two claimers, never a read followed by a write.
 */
import { and, getTableColumns, or, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Executor } from './db.ts';

/** Where a row's lease is kept, and how long it lasts. */
export type Lease = {
  /** The timestamp column; null means nobody holds the row. */
  column: PgColumn;
  seconds: number;
  /** What the column holds: when the lease was taken (the default) or when it lapses. */
  holds?: 'taken' | 'lapses';
};

const ago = (seconds: number): SQL => sql`now() - make_interval(secs => ${seconds})`;

/** A lease taken at `column` is older than `seconds`. */
export const leaseLapsed = (column: PgColumn, seconds: number): SQL => sql`${column} < ${ago(seconds)}`;

/** Nobody holds the lease taken at `column`: never taken, given back (null), or lapsed. */
export const leaseFree = (column: PgColumn, seconds: number): SQL =>
  sql`(${column} is null or ${leaseLapsed(column, seconds)})`;

/** Somebody holds the lease taken at `column`: taken less than `seconds` ago. */
export const leaseHeld = (column: PgColumn, seconds: number): SQL =>
  sql`(${column} is not null and ${column} >= ${ago(seconds)})`;

/** The lease's free condition and the value that takes it, for either kind of column. */
function terms(lease: Lease): { free: SQL; stamp: SQL } {
  // A "lapses at" column is free once that moment is past: the same test with no time added.
  if (lease.holds === 'lapses')
    return {
      free: leaseFree(lease.column, 0),
      stamp: sql`now() + make_interval(secs => ${lease.seconds})`,
    };
  return { free: leaseFree(lease.column, lease.seconds), stamp: sql`now()` };
}

export type ClaimOptions<T extends PgTable> = {
  lease: Lease;
  /** Which row (or rows) to take. */
  where: SQL | undefined;
  /** Rows that can be taken at all (not done, not stopped); by default every row `where` names. */
  open?: SQL;
  /** Rows free whatever their lease says, such as an attempt that failed and gave the row back. */
  alsoFree?: SQL;
  /** Other columns to set when taking the row. */
  set?: PgUpdateSetSource<T>;
};

/**
 * Takes the rows `where` names that are open and free, stamping the lease; answers the rows taken
 * (empty: someone else holds them, or they are not open). Two claimers at once: one gets the row.
 */
export async function claim<T extends PgTable>(
  db: Executor,
  table: T,
  o: ClaimOptions<T>,
): Promise<T['$inferSelect'][]> {
  const key = Object.entries(getTableColumns(table)).find(([, c]) => c === o.lease.column)?.[0];
  if (!key) throw new Error(`the lease column ${o.lease.column.name} is not a column of this table`);
  const { free, stamp } = terms(o.lease);
  const set = { ...o.set, [key]: stamp } as PgUpdateSetSource<T>;
  const rows = await db
    .update(table)
    .set(set)
    .where(and(o.where, o.open, o.alsoFree ? or(o.alsoFree, free) : free))
    .returning();
  return rows as T['$inferSelect'][];
}
