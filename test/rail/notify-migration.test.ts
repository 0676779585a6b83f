import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { modules } from '../../src/modules.ts';
import { Sealer } from '../../src/platform/crypto.ts';
import { type MigrationSet, moduleMigrations, openDatabase } from '../../src/platform/db.ts';
import { ChannelSettingsStore } from '../../src/platform/notify/settings.ts';
import { backends, freshPostgres } from '../helpers.ts';

const drizzleDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle');
const SECRET = 'a-server-secret-of-at-least-32-characters!';
const ALICE = '00000000-0000-4000-8000-00000000a11c';
const BOB = '00000000-0000-4000-8000-000000000b0b';

/** A copy of a migration folder holding only the migrations before the one whose tag matches `before`. */
function folderBefore(tmp: string, set: string, before: RegExp): string {
  const dir = join(tmp, set);
  cpSync(join(drizzleDir, set), dir, { recursive: true });
  const file = join(dir, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(file, 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => before.test(e.tag));
  expect(cut).toBeGreaterThan(0);
  writeFileSync(file, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
  return dir;
}

/**
 * Rail kept its users' channel settings in rail_notify_settings; they moved to the platform's
 * notify_settings. A database from before keeps every user's settings, and the sealed webhooks
 * still open.
 */
describe('rail notification settings move to the platform', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'yeyak-notify-mig-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  for (const backend of backends) {
    it(`${backend}: old rows arrive in notify_settings, sealed webhooks open, the old table is gone`, async () => {
      const dir = join(tmp, backend);
      const old: MigrationSet[] = [
        {
          migrationsFolder: folderBefore(dir, 'platform', /notify_settings/),
          migrationsTable: '__drizzle_migrations',
        },
        {
          migrationsFolder: folderBefore(dir, 'rail', /notify_settings/),
          migrationsTable: '__drizzle_migrations_rail',
        },
      ];
      let drop = async () => {};
      let databaseUrl: string | undefined;
      if (backend === 'postgres') {
        const fresh = await freshPostgres();
        databaseUrl = fresh.url;
        drop = fresh.drop;
      }
      const dataDir = join(dir, 'data');
      // What rail sealed: its credentials key, bound to notify:<user>:<channel>.
      const railSealer = new Sealer(SECRET, 'rail credentials v1');
      const aliceDiscord = 'https://discord.com/api/webhooks/1/alice-secret';
      const bobSlack = 'https://hooks.slack.com/services/T/B/bob-secret';
      try {
        const before = await openDatabase({ databaseUrl, dataDir, migrationSets: old });
        try {
          await before.migrate();
          expect(
            (await before.raw("select to_regclass('public.notify_settings') as t")).rows[0].t,
          ).toBeNull();
          await before.raw(
            `insert into users (id, email, password_hash) values ($1, 'alice@x.test', 'x'), ($2, 'bob@x.test', 'x')`,
            [ALICE, BOB],
          );
          await before.raw(
            `insert into rail_notify_settings (user_id, email, discord_webhook, slack_webhook, telegram_chat_id)
             values ($1, true, $2, null, '4242'), ($3, false, null, $4, null)`,
            [
              ALICE,
              railSealer.seal(aliceDiscord, `notify:${ALICE}:discord`),
              BOB,
              railSealer.seal(bobSlack, `notify:${BOB}:slack`),
            ],
          );
        } finally {
          await before.close();
        }

        for (let start = 0; start < 2; start++) {
          const database = await openDatabase({
            databaseUrl,
            dataDir,
            migrationSets: moduleMigrations(modules),
          });
          try {
            await database.migrate();
            const gone = await database.raw("select to_regclass('public.rail_notify_settings') as t");
            expect(gone.rows[0].t).toBeNull();
            const rows = await database.raw(
              'select user_id, email, telegram_chat_id from notify_settings order by user_id',
            );
            expect(rows.rows).toEqual([
              { user_id: BOB, email: false, telegram_chat_id: null },
              { user_id: ALICE, email: true, telegram_chat_id: '4242' },
            ]);
            // The platform's store, with the key the server builds for it (app.ts), opens them.
            const config = {
              discordBase: 'https://discord.com/api/webhooks/',
              slackBase: 'https://hooks.slack.com/',
              telegramApi: 'https://api.telegram.org',
              telegramToken: 'test-bot-token-1234',
              kakao: { apiUrl: 'https://bot-api.kakao.com', eventName: 'rail_notice' },
            };
            const store = new ChannelSettingsStore(
              database.db,
              new Sealer(SECRET, 'rail credentials v1'),
              config,
            );
            expect(await store.addresses(ALICE)).toEqual({
              email: true,
              discord: aliceDiscord,
              slack: undefined,
              telegram: '4242',
            });
            expect(await store.addresses(BOB)).toEqual({
              email: false,
              discord: undefined,
              slack: bobSlack,
              telegram: undefined,
            });
            expect(await store.get(ALICE)).toMatchObject({ email: true, discord: true, telegram: true });
          } finally {
            await database.close();
          }
        }
      } finally {
        await drop();
      }
    });
  }
});
