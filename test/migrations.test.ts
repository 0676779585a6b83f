import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { modules } from '../src/modules.ts';
import { moduleMigrations, openDatabase } from '../src/platform/db.ts';
import { backends, freshPostgres } from './helpers.ts';

const migrationSets = moduleMigrations(modules);
const drizzleDir = resolve(dirname(fileURLToPath(import.meta.url)), '../drizzle');
type Entry = { idx: number; version: string; when: number; tag: string; breakpoints: boolean };
const journal = (set: string): Entry[] =>
  JSON.parse(readFileSync(join(drizzleDir, set, 'meta/_journal.json'), 'utf8')).entries;
const sqlOf = (set: string, tag: string) => readFileSync(join(drizzleDir, set, `${tag}.sql`), 'utf8');

/**
 * The migration folder as it was before tickets had its own: one journal (`__drizzle_migrations`)
 * holding the platform's and the tickets tables, in the order they were written.
 */
function oldCoreFolder(tmp: string): string {
  const dir = join(tmp, 'core');
  mkdirSync(join(dir, 'meta'), { recursive: true });
  const [p0, ...platformRest] = journal('platform');
  const [t0, t1] = journal('tickets');
  const entries = [
    { ...p0, sql: `${sqlOf('platform', p0.tag)}--> statement-breakpoint\n${sqlOf('tickets', t0.tag)}` },
    { ...t1, sql: sqlOf('tickets', t1.tag) },
    ...platformRest.map((e) => ({ ...e, sql: sqlOf('platform', e.tag) })),
  ].sort((a, b) => a.when - b.when);
  const out = entries.map((e, idx) => {
    const tag = `${String(idx).padStart(4, '0')}_old`;
    writeFileSync(join(dir, `${tag}.sql`), e.sql);
    return { idx, version: e.version, when: e.when, tag, breakpoints: true };
  });
  writeFileSync(
    join(dir, 'meta/_journal.json'),
    JSON.stringify({ version: '7', dialect: 'postgresql', entries: out }),
  );
  return dir;
}

const SEED = `
  insert into users (id, email, password_hash, role)
    values ('00000000-0000-4000-8000-000000000001', 'o@x.test', 'x', 'organizer');
  insert into ticket_events (id, code, title, organizer_id)
    values ('00000000-0000-4000-8000-0000000000e1', 'OLD1', 'Old show', '00000000-0000-4000-8000-000000000001');
`;

describe('tickets migrations in their own folder, on a database made before the split', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'yeyak-mig-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  for (const backend of backends) {
    it(`${backend}: the old tickets migrations are adopted, not run again; data stays; a second start is a no-op`, async () => {
      const core = oldCoreFolder(join(tmp, backend));
      let open: Parameters<typeof openDatabase>[0];
      let drop = async () => {};
      if (backend === 'postgres') {
        const fresh = await freshPostgres();
        drop = fresh.drop;
        const pool = new pg.Pool({ connectionString: fresh.url, max: 1 });
        await migratePg(drizzlePg(pool), { migrationsFolder: core, migrationsTable: '__drizzle_migrations' });
        await pool.query(SEED);
        await pool.end();
        open = { databaseUrl: fresh.url, dataDir: join(tmp, backend), migrationSets };
      } else {
        const client = await PGlite.create(join(tmp, backend, 'pg'));
        await migratePglite(drizzlePglite(client), {
          migrationsFolder: core,
          migrationsTable: '__drizzle_migrations',
        });
        await client.exec(SEED);
        await client.close();
        open = { dataDir: join(tmp, backend), migrationSets };
      }
      try {
        for (let start = 0; start < 2; start++) {
          const database = await openDatabase(open);
          try {
            await database.migrate();
            const adopted = await database.raw(
              'select created_at from drizzle.__drizzle_migrations_tickets order by created_at',
            );
            expect(adopted.rows.map((r) => Number(r.created_at))).toEqual(
              journal('tickets').map((e) => e.when),
            );
            const events = await database.raw('select code, title from ticket_events');
            expect(events.rows).toEqual([{ code: 'OLD1', title: 'Old show' }]);
            // The trigger and view of tickets 0001 are still there (not created twice, not lost).
            const view = await database.raw("select to_regclass('public.ticket_reservation_history') as v");
            expect(view.rows[0].v).not.toBeNull();
          } finally {
            await database.close();
          }
        }
      } finally {
        await drop();
      }
    });
  }

  it('a fresh database gets the platform and tickets from their own folders and journals', async () => {
    const database = await openDatabase({ dataDir: 'memory://', migrationSets });
    try {
      await database.migrate();
      const platform = await database.raw('select count(*)::int as n from drizzle.__drizzle_migrations');
      const tickets = await database.raw(
        'select count(*)::int as n from drizzle.__drizzle_migrations_tickets',
      );
      expect(platform.rows[0].n).toBe(journal('platform').length);
      expect(tickets.rows[0].n).toBe(journal('tickets').length);
    } finally {
      await database.close();
    }
  });
});
