import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';

const drizzleDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle');
const TABLE = '__drizzle_migrations_registration';

/**
 * Migration 0001 numbers the attendees a database already holds: a database at 0000 with data in
 * it is migrated to the current set, as `yeyak migrate` would do on an upgrade.
 */
describe('registration migration 0001 (admissions, Discord guild)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'yeyak-reg-mig-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('numbers existing admissions in the order they were seen and keeps their actions', async () => {
    // The registration migrations as they were before 0001.
    const old = join(tmp, 'registration');
    mkdirSync(join(old, 'meta'), { recursive: true });
    copyFileSync(join(drizzleDir, 'registration/0000_registration.sql'), join(old, '0000_registration.sql'));
    const journal = JSON.parse(readFileSync(join(drizzleDir, 'registration/meta/_journal.json'), 'utf8'));
    journal.entries = journal.entries.slice(0, 1);
    writeFileSync(join(old, 'meta/_journal.json'), JSON.stringify(journal));

    const pg = await PGlite.create('memory://');
    const db = drizzle(pg);
    try {
      await migrate(db, {
        migrationsFolder: join(drizzleDir, 'platform'),
        migrationsTable: '__drizzle_migrations',
      });
      await migrate(db, { migrationsFolder: old, migrationsTable: TABLE });
      await pg.exec(`
        insert into users (id, email, password_hash, role)
          values ('00000000-0000-4000-8000-000000000001', 'o@x.test', 'x', 'organizer');
        insert into registration_events (id, slug, name, organizer_id, source, webhook_secret)
          values ('00000000-0000-4000-8000-0000000000e1', 'conf', 'Conf',
                  '00000000-0000-4000-8000-000000000001', 'kktix', 'secret-secret-secret');
        insert into registration_attendees
            (event_id, external_id, ticket_name, quantity, active, record, first_seen_at, refunded_at) values
          ('00000000-0000-4000-8000-0000000000e1', 'b', 'T', 1, true,  '{}', '2026-01-02', null),
          ('00000000-0000-4000-8000-0000000000e1', 'a', 'T', 2, true,  '{}', '2026-01-03', null),
          ('00000000-0000-4000-8000-0000000000e1', 'c', 'T', 1, false, '{}', '2026-01-01', '2026-01-05'),
          ('00000000-0000-4000-8000-0000000000e1', 'unpaid', 'T', 1, false, '{}', '2026-01-04', null);
        insert into registration_actions (event_id, external_id, action, status, detail) values
          ('00000000-0000-4000-8000-0000000000e1', 'a', 'discord', 'pending', '{"total":3}'),
          ('00000000-0000-4000-8000-0000000000e1', 'c', 'gather_remove', 'done', null);
      `);

      await migrate(db, { migrationsFolder: join(drizzleDir, 'registration'), migrationsTable: TABLE });

      const att = await pg.query<{ external_id: string; admission: number | null }>(
        'select external_id, admission from registration_attendees order by external_id',
      );
      // c first (refunded, still counted), then b, then a with its 2 tickets; never paid: none.
      expect(att.rows).toEqual([
        { external_id: 'a', admission: 4 },
        { external_id: 'b', admission: 2 },
        { external_id: 'c', admission: 1 },
        { external_id: 'unpaid', admission: null },
      ]);
      const ev = await pg.query<{ admissions: number; discord_guild_id: string | null }>(
        'select admissions, discord_guild_id from registration_events',
      );
      expect(ev.rows).toEqual([{ admissions: 4, discord_guild_id: null }]);
      const actions = await pg.query<{ external_id: string; admission: number }>(
        'select external_id, admission from registration_actions order by external_id',
      );
      expect(actions.rows).toEqual([
        { external_id: 'a', admission: 4 },
        { external_id: 'c', admission: 1 },
      ]);
      // A second admission of the same attendee now has room for its own actions.
      await pg.query(
        `insert into registration_actions (event_id, external_id, action, admission)
           values ('00000000-0000-4000-8000-0000000000e1', 'a', 'discord', 5)`,
      );
      await expect(
        pg.query(
          `insert into registration_actions (event_id, external_id, action, admission)
             values ('00000000-0000-4000-8000-0000000000e1', 'a', 'discord', 5)`,
        ),
      ).rejects.toThrow(/duplicate key/);
      // And two attendees of one event can never share a number.
      await expect(
        pg.query(`update registration_attendees set admission = 2 where external_id = 'a'`),
      ).rejects.toThrow(/registration_attendees_admission_key/);
    } finally {
      await pg.close();
    }
  });
});
