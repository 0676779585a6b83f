import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordSim } from '../../sims/discord/index.ts';
import type { AnyModule } from '../../src/modules.ts';
import { modules } from '../../src/modules.ts';
import type { Context } from '../../src/platform/context.ts';
import type { Tx } from '../../src/platform/db.ts';
import { emit } from '../../src/platform/events/outbox.ts';
import type { App } from '../../src/platform/http/app.ts';
import type { LogRow } from '../../src/platform/serverlog/index.ts';
import { backends, client, eventually, login, startApp, type TestApp } from '../helpers.ts';

/** A module that breaks on purpose: a route that throws, a job that fails, a consumer that always fails. */
const probe = {
  name: 'probe',
  create: (ctx: Context) => ({
    api: {},
    jobs: [
      {
        name: 'probe.fail',
        handler: async () => {
          throw new Error('probe job broke');
        },
        options: { retryLimit: 0 },
      },
    ],
    consumers: [
      {
        name: 'probe-sink',
        topics: ['probe.ping'],
        handle: async () => {
          throw new Error('probe consumer broke');
        },
      },
    ],
    routes: (app: App) => {
      app.get('/api/probe/:secret/boom', async () => {
        throw new Error('probe route broke');
      });
      app.post('/api/probe/ping', async () => {
        await ctx.tx((tx: Tx) => emit(tx, 'probe.ping', {}));
        return { code: 200, description: 'ok' };
      });
    },
  }),
} as unknown as AnyModule;

type Page = { rows: LogRow[]; nextBefore: number | null };

for (const backend of backends) {
  describe(`server log on ${backend}`, () => {
    let t: TestApp;
    let discord: Awaited<ReturnType<typeof startDiscordSim>>;
    let admin: Awaited<ReturnType<typeof login>>;
    beforeAll(async () => {
      discord = await startDiscordSim();
      t = await startApp(
        backend,
        {
          mailMaxAttempts: 1,
          retryBaseMs: 100,
          discord: {
            publicKey: discord.publicKeyHex,
            applicationId: discord.applicationId,
            apiUrl: discord.api,
          },
        },
        { modules: [...modules, probe] },
      );
      admin = await login(t, 'admin');
    });
    afterAll(async () => {
      await t?.stop();
      await discord?.close();
    });

    const find = (query: string) =>
      eventually(async () => {
        const res = await admin.api.get<Page>(`/api/admin/log?${query}`);
        return res.body.data?.rows.length ? res.body.data.rows : undefined;
      }, 20_000);

    it('a 5xx answer is logged with its route pattern, not the raw URL', async () => {
      expect((await client(t.url).get('/api/probe/tok-s3cret/boom')).status).toBe(500);
      const [row] = await find('source=http');
      expect(row).toMatchObject({ level: 'error', source: 'http' });
      expect(row.message).toContain('/api/probe/:secret/boom');
      expect(row.message).toContain('probe route broke');
      expect(JSON.stringify(row)).not.toContain('tok-s3cret');
      expect(row.requestId).toBeTruthy();
    });

    it('a failed job is logged', async () => {
      await t.y.ctx.jobs.send('probe.fail', {});
      const [row] = await find('source=jobs&q=probe.fail');
      expect(row.message).toContain('probe job broke');
    });

    it('a dead-lettered event is logged', async () => {
      expect((await client(t.url).post('/api/probe/ping')).status).toBe(200);
      const [row] = await find('source=events');
      expect(row).toMatchObject({ level: 'error', data: { consumer: 'probe-sink', topic: 'probe.ping' } });
    });

    it('admin account changes are logged with their actor (by id or by e-mail)', async () => {
      const other = await login(t, 'user');
      const id = (
        await admin.api.get<{ users: { id: string; email: string }[] }>(
          `/api/admin/users?q=${encodeURIComponent(other.email)}`,
        )
      ).body.data?.users[0].id;
      expect((await admin.api.patch(`/api/admin/users/${id}`, { role: 'organizer' })).status).toBe(200);
      expect((await admin.api.patch(`/api/admin/users/${id}`, { disabled: true })).status).toBe(200);
      const rows = await find(`source=admin&actor=${encodeURIComponent(admin.email)}`);
      expect(rows.map((r) => r.message)).toEqual([
        `account ${other.email}: state active → suspended`,
        `account ${other.email}: role user → organizer`,
      ]);
      expect(rows[0]).toMatchObject({ actorEmail: admin.email });
      const byId = await find(`actor=${rows[0].actorId}&level=info`);
      expect(byId).toHaveLength(2);
    });

    it('a refused Discord signature is logged', async () => {
      const res = await client(t.url).post(
        '/api/discord/interactions',
        { type: 1 },
        {
          'x-signature-ed25519': '00'.repeat(64),
          'x-signature-timestamp': String(Math.floor(Date.now() / 1000)),
        },
      );
      expect(res.status).toBe(401);
      const [row] = await find('source=discord');
      expect(row).toMatchObject({ level: 'warn' });
      expect(row.message).toContain('signature');
    });

    it('filters by words and time, and pages with before', async () => {
      for (let i = 0; i < 5; i++)
        await t.y.ctx.serverLog.write({ level: 'warn', source: 'paging', message: `page probe number ${i}` });
      const first = await admin.api.get<Page>('/api/admin/log?source=paging&limit=2');
      expect(first.body.data?.rows.map((r) => r.message)).toEqual([
        'page probe number 4',
        'page probe number 3',
      ]);
      const second = await admin.api.get<Page>(
        `/api/admin/log?source=paging&limit=2&before=${first.body.data?.nextBefore}`,
      );
      expect(second.body.data?.rows.map((r) => r.message)).toEqual([
        'page probe number 2',
        'page probe number 1',
      ]);
      const third = await admin.api.get<Page>(
        `/api/admin/log?source=paging&limit=2&before=${second.body.data?.nextBefore}`,
      );
      expect(third.body.data).toMatchObject({ nextBefore: null });
      expect(third.body.data?.rows).toHaveLength(1);
      const words = await admin.api.get<Page>('/api/admin/log?q=number%203%20probe');
      expect(words.body.data?.rows.map((r) => r.message)).toEqual(['page probe number 3']);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expect((await admin.api.get<Page>(`/api/admin/log?from=${future}`)).body.data?.rows).toEqual([]);
      const past = new Date(Date.now() - 3_600_000).toISOString();
      expect((await admin.api.get<Page>(`/api/admin/log?source=paging&to=${past}`)).body.data?.rows).toEqual(
        [],
      );
    });

    it('is for admins only, and a bad filter is a 400 naming it', async () => {
      const user = await login(t, 'user');
      expect((await user.api.get('/api/admin/log')).status).toBe(403);
      expect((await client(t.url).get('/api/admin/log')).status).toBe(401);
      for (const [q, field] of [
        ['level=loud', 'level'],
        ['actor=nobody', 'actor'],
        ['from=yesterday', 'from'],
        ['before=-1', 'before'],
        ['limit=1000', 'limit'],
        ['color=red', 'color'],
      ]) {
        const res = await admin.api.get(`/api/admin/log?${q}`);
        expect(res.status, q).toBe(400);
        expect(JSON.stringify(res.body.data), q).toContain(`querystring.${field}`);
      }
      const reversed = await admin.api.get(
        '/api/admin/log?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z',
      );
      expect(reversed.status).toBe(400);
      expect(JSON.stringify(reversed.body.data)).toContain('querystring.to');
    });
  });
}
