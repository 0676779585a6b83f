import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { projectRoot } from './paths.ts';

const drizzleDir = resolve(projectRoot, 'drizzle');

/**
 * One folder of migrations with its own journal table, so each module adds migrations without
 * touching another's history. `adoptIfTable`: the module's first migrations once ran under the
 * platform's journal (before the module had a folder of its own); on such a database that table
 * exists already, and those migrations are recorded as applied instead of run again.
 */
export type MigrationSet = { migrationsFolder: string; migrationsTable: string; adoptIfTable?: string };

const platformMigrations: MigrationSet = {
  migrationsFolder: join(drizzleDir, 'platform'),
  migrationsTable: '__drizzle_migrations',
};

/** The platform's migrations (drizzle/platform/), then each module's folder (drizzle/<folder>/), in list order. */
export function moduleMigrations(modules: { migrations?: { folder: string; adoptIfTable?: string } }[]) {
  return [
    platformMigrations,
    ...modules.flatMap(({ migrations: m }) =>
      m
        ? [
            {
              migrationsFolder: join(drizzleDir, m.folder),
              migrationsTable: `__drizzle_migrations_${m.folder}`,
              adoptIfTable: m.adoptIfTable,
            },
          ]
        : [],
    ),
  ];
}

/** Records a module's migrations that the platform journal already applied (see MigrationSet). */
async function adopt(run: RawSql, set: MigrationSet) {
  if (!set.adoptIfTable) return;
  const journal = `drizzle."${set.migrationsTable}"`;
  await run('create schema if not exists drizzle');
  await run(
    `create table if not exists ${journal} (id serial primary key, hash text not null, created_at bigint)`,
  );
  const [{ n }] = (await run(`select count(*)::int as n from ${journal}`)).rows;
  if (Number(n) > 0) return;
  const [{ found }] = (await run('select to_regclass($1) as found', [`public.${set.adoptIfTable}`])).rows;
  if (!found) return;
  const [{ last }] = (await run('select max(created_at) as last from drizzle."__drizzle_migrations"')).rows;
  for (const m of readMigrationFiles(set))
    if (m.folderMillis <= Number(last ?? 0))
      await run(`insert into ${journal} (hash, created_at) values ($1, $2)`, [m.hash, m.folderMillis]);
}

type NoSchema = Record<string, never>;
export type Db = PgDatabase<PgQueryResultHKT, NoSchema>;
export type Tx = PgTransaction<PgQueryResultHKT, NoSchema, ExtractTablesWithRelations<NoSchema>>;
/** Anything that runs queries: the database or an open transaction. */
export type Executor = Db | Tx;

/**
 * The raw SQL door pg-boss, benchmarks and hot reads use: text with $n params, rows back. With a
 * `name`, PostgreSQL prepares the statement once per connection and reuses its plan (the text must
 * never change under one name); PGlite ignores the name.
 */
type RawSql = (
  text: string,
  values?: unknown[],
  name?: string,
) => Promise<{ rows: Record<string, unknown>[] }>;

export type Database = {
  kind: 'pglite' | 'postgres';
  db: Db;
  raw: RawSql;
  /** Statements that must run alone (pg-boss's multi-statement scripts without params). */
  exec: (text: string) => Promise<{ rows: Record<string, unknown>[] }>;
  migrate: () => Promise<void>;
  close: () => Promise<void>;
};

export class DataDirLockedError extends Error {}

/**
 * PGlite does not lock its folder and a second process writing to it loses data silently,
 * so we hold a lock file with our pid and refuse to open a folder a live process holds.
 */
function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, 'yeyak.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lockPath, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new DataDirLockedError(
          `the data folder ${dir} is in use by process ${pid}; stop it first, or point YEYAK_DATA elsewhere`,
        );
      }
      if (pid === process.pid) {
        throw new DataDirLockedError(`the data folder ${dir} is already open in this process`);
      }
      rmSync(lockPath, { force: true }); // stale lock from a crashed process
    }
  }
  throw new DataDirLockedError(`could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type OpenOptions = {
  databaseUrl?: string;
  /** Folder for PGlite; 'memory://' for a throwaway database (tests). */
  dataDir: string;
  poolSize?: number;
  /** What migrate() applies, in order (see moduleMigrations); the platform's alone by default. */
  migrationSets?: MigrationSet[];
};

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const migrationSets = opts.migrationSets ?? [platformMigrations];
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // A broken connection must not crash the process; queries report it.
    pool.on('error', () => {});
    const db = drizzlePg(pool) as unknown as Db;
    const raw: RawSql = async (text, values, name) => {
      const r = name
        ? await pool.query({ name, text, values: values as unknown[] | undefined })
        : await pool.query(text, values as unknown[] | undefined);
      return { rows: r.rows };
    };
    return {
      kind: 'postgres',
      db,
      raw,
      exec: (text) => raw(text),
      migrate: async () => {
        for (const set of migrationSets) {
          await adopt(raw, set);
          await migratePg(drizzlePg(pool), set);
        }
      },
      close: () => pool.end(),
    };
  }

  // PGlite (a WebAssembly PostgreSQL) is loaded only when it is the database.
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  const inMemory = opts.dataDir.startsWith('memory://');
  const dir = resolve(opts.dataDir, 'pg');
  const unlock = inMemory ? () => {} : lockDataDir(dir);
  let client: PGlite;
  try {
    if (!inMemory && !existsSync(join(dir, 'PG_VERSION'))) await initInWorker(dir, migrationSets);
    client = await PGlite.create(inMemory ? opts.dataDir : dir);
  } catch (err) {
    unlock();
    throw err;
  }
  const db = drizzlePglite(client) as unknown as Db;
  const raw: RawSql = async (text, values) => {
    const r = await client.query<Record<string, unknown>>(text, values as unknown[] | undefined);
    return { rows: r.rows };
  };
  const exec = async (text: string) => {
    const results = await client.exec(text);
    return { rows: results.flatMap((r) => r.rows as Record<string, unknown>[]) };
  };
  return {
    kind: 'pglite',
    db,
    raw,
    exec,
    migrate: async () => {
      for (const set of migrationSets) {
        await adopt(raw, set);
        await migratePglite(drizzlePglite(client), set);
      }
    },
    close: async () => {
      try {
        await client.close();
      } finally {
        unlock();
      }
    },
  };
}

/** Creates and migrates a new PGlite folder in a worker thread, so its start-up memory goes with it. */
function initInWorker(dir: string, migrationSets: MigrationSet[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(new URL('./pglite-init.mjs', import.meta.url), {
      workerData: { dir, migrationSets },
    });
    let ready = false;
    worker.once('message', () => {
      ready = true;
    });
    worker.once('error', reject);
    worker.once('exit', (code) =>
      ready
        ? resolvePromise()
        : reject(new Error(`creating the database in ${dir} failed (worker exit ${code})`)),
    );
  });
}

/** SQLSTATE of a database error, unwrapping drizzle's DrizzleQueryError. */
export function sqlState(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function constraintName(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const c = (e as { constraint?: unknown }).constraint;
    if (typeof c === 'string') return c;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Runs raw SQL through drizzle and returns its rows (both drivers answer `{rows}`). */
export async function selectRows<T = Record<string, unknown>>(exec: Executor, query: SQL): Promise<T[]> {
  const result = (await exec.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * What a log may say about a failed statement: its SQL text (with $n placeholders), SQLSTATE and
 * constraint. Never the parameters (password hashes, sealed secrets) nor the server's message, which
 * can quote a value (`invalid input syntax for type integer: "…"`). Undefined for other errors.
 */
export function dbErrorForLog(
  err: unknown,
): { type: string; message: string; sql?: string; sqlState?: string; constraint?: string } | undefined {
  let sqlText: string | undefined;
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const q = (e as { query?: unknown }).query;
    if (typeof q === 'string' && !sqlText) sqlText = q;
    e = (e as { cause?: unknown }).cause;
  }
  const state = sqlState(err);
  const isDrizzle = err instanceof Error && err.message.startsWith('Failed query:');
  if (!state && !sqlText && !isDrizzle) return undefined;
  const constraint = constraintName(err);
  return {
    type: (err as Error)?.name ?? 'DatabaseError',
    message: `database error${state ? ` ${state}` : ''}${constraint ? ` (${constraint})` : ''}`,
    ...(sqlText ? { sql: sqlText.slice(0, 2000) } : {}),
    ...(state ? { sqlState: state } : {}),
    ...(constraint ? { constraint } : {}),
  };
}

/** A log-safe one-line text for any error (for places that log or store `err.message`). */
export function errorText(err: unknown): string {
  const db = dbErrorForLog(err);
  if (db) return db.sql ? `${db.message}: ${db.sql.slice(0, 300)}` : db.message;
  return err instanceof Error ? err.message : String(err);
}
