import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger, createYeyak } from '../../src/app.ts';
import { tickets } from '../../src/modules/tickets/index.ts';
import { holdMinutes } from '../../src/modules/tickets/settings.ts';
import { defineModule } from '../../src/platform/module.ts';
import type { SettingView } from '../../src/platform/settings/index.ts';
import { defineSetting } from '../../src/platform/settings/spec.ts';
import { backends, client, createEvent, login, startApp, type TestApp } from '../helpers.ts';

const vaultKey = defineSetting({
  key: 'vault.apiKey',
  schema: z.string().min(8, 'at least 8 characters'),
  default: '',
  access: 'secret',
  label: { en: 'API key', ko: 'API 키' },
});

declare module '../../src/platform/module.ts' {
  interface ModuleApis {
    vault: { key: () => string };
  }
}

/** A module with a secret setting: the value is used on the server and never answered. */
const vault = defineModule({
  name: 'vault',
  settings: [vaultKey],
  create: (ctx) => ({ api: { key: () => ctx.settings.get(vaultKey) } }),
});

type List = { settings: SettingView[] };

describe.each(backends)('runtime settings (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(backend, {}, { modules: [tickets, vault] });
  });
  afterAll(() => t?.stop());

  it('lists every setting to admins, the public ones to everyone, and nothing to others', async () => {
    const admin = await login(t, 'admin');
    const res = await admin.api.get<List>('/api/admin/settings');
    expect(res.status).toBe(200);
    const byKey = new Map(res.body.data?.settings.map((s) => [s.key, s]));
    // Defaults come from the environment's configuration (HOLD_MINUTES = 20 unless set).
    expect(byKey.get('tickets.holdMinutes')).toMatchObject({ value: 20, default: 20, changed: false });
    expect(byKey.get('tickets.holdMinutes')?.schema).toMatchObject({ type: 'integer', minimum: 1 });
    expect(byKey.get('site.notice')).toMatchObject({ value: '', access: 'public' });
    expect(byKey.get('vault.apiKey')).toMatchObject({ isSet: false, access: 'secret' });
    expect(byKey.get('vault.apiKey')).not.toHaveProperty('value');

    expect((await client(t.url).get('/api/admin/settings')).status).toBe(401);
    const user = await login(t, 'user');
    expect((await user.api.get('/api/admin/settings')).status).toBe(403);
    expect((await user.api.put('/api/admin/settings', { values: { 'site.notice': 'x' } })).status).toBe(403);
    const pub = await client(t.url).get<{ settings: Record<string, unknown> }>('/api/settings');
    expect(pub.body.data?.settings).toEqual({ 'site.notice': '' });
  });

  it('refuses a bad value naming its key, and changes nothing', async () => {
    const admin = await login(t, 'admin');
    const bad = await admin.api.put('/api/admin/settings', {
      values: { 'site.notice': '점검 안내', 'tickets.holdMinutes': 'ten' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.description).toContain('values.tickets.holdMinutes');
    const unknown = await admin.api.put('/api/admin/settings', { values: { 'tickets.nope': 1 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.description).toContain('values.tickets.nope');
    const tooLong = await admin.api.put('/api/admin/settings', {
      values: { 'site.notice': 'x'.repeat(301) },
    });
    expect(tooLong.status).toBe(400);
    const badReset = await admin.api.put('/api/admin/settings', { reset: ['tickets.nope'] });
    expect(badReset.status).toBe(400);
    expect(badReset.body.description).toContain('reset.0');
    expect(await t.y.ctx.settings.storedValue('site.notice')).toBeUndefined();
    expect(t.y.ctx.settings.get(holdMinutes)).toBe(20);
  });

  it('applies a change to holds made after it, records who made it, and resets to the default', async () => {
    const admin = await login(t, 'admin');
    const res = await admin.api.put<List & { changed: string[] }>('/api/admin/settings', {
      values: { 'tickets.holdMinutes': 5, 'site.notice': '  12월 5일 점검  ' },
    });
    expect(res.status).toBe(200);
    expect(res.body.data?.changed.sort()).toEqual(['site.notice', 'tickets.holdMinutes']);
    const hold = res.body.data?.settings.find((s) => s.key === 'tickets.holdMinutes');
    expect(hold).toMatchObject({ value: 5, default: 20, changed: true, updatedBy: admin.email });
    const pub = await client(t.url).get<{ settings: Record<string, unknown> }>('/api/settings');
    expect(pub.body.data?.settings['site.notice']).toBe('12월 5일 점검');
    // The server log says who changed which keys.
    const logged = await t.y.ctx.serverLog.search({ source: 'admin', q: 'settings', limit: 5 });
    expect(logged.rows[0]).toMatchObject({
      actorEmail: admin.email,
      data: { keys: ['site.notice', 'tickets.holdMinutes'] },
    });

    const organizer = await login(t, 'organizer');
    const ev = await createEvent(organizer.api, { ticketTypes: [{ name: 'R석', price: 1000, quota: 5 }] });
    const buyer = await login(t, 'user');
    const before = Date.now();
    const held = await buyer.api.post<{ hold: { expiresAt: string } }>('/api/holds', {
      ticketTypeId: ev.showtimes[0].ticketTypes[0].id,
      quantity: 1,
    });
    expect(held.status).toBe(201);
    const minutes = (Date.parse(held.body.data?.hold.expiresAt ?? '') - before) / 60_000;
    expect(minutes).toBeGreaterThan(4.9);
    expect(minutes).toBeLessThan(5.1);

    const reset = await admin.api.put<List>('/api/admin/settings', { reset: ['tickets.holdMinutes'] });
    expect(reset.body.data?.settings.find((s) => s.key === 'tickets.holdMinutes')).toMatchObject({
      value: 20,
      changed: false,
    });
  });

  it('prunes the server log by its retention setting', async () => {
    const admin = await login(t, 'admin');
    await t.y.ctx.serverLog.write({ level: 'info', source: 'test', message: 'old row' });
    await t.y.ctx.database.db.execute(
      sql`update server_log set at = now() - interval '3 days' where message = 'old row'`,
    );
    expect(await t.y.ctx.serverLog.prune()).toBe(0);
    await admin.api.put('/api/admin/settings', { values: { 'serverLog.retentionDays': 2 } });
    expect(await t.y.ctx.serverLog.prune()).toBe(1);
    await admin.api.put('/api/admin/settings', { reset: ['serverLog.retentionDays'] });
  });

  it('seals a secret at rest and never answers it', async () => {
    const admin = await login(t, 'admin');
    const res = await admin.api.put('/api/admin/settings', {
      values: { 'vault.apiKey': 'sk-live-12345678' },
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain('sk-live-12345678');
    expect(t.y.vault.key()).toBe('sk-live-12345678');
    const stored = JSON.stringify(await t.y.ctx.settings.storedValue('vault.apiKey'));
    expect(stored).not.toContain('sk-live');
    const list = await admin.api.get<List>('/api/admin/settings');
    expect(JSON.stringify(list.body)).not.toContain('sk-live');
    expect(list.body.data?.settings.find((s) => s.key === 'vault.apiKey')).toMatchObject({ isSet: true });
  });

  it('reaches another process within 5 seconds', async () => {
    const admin = await login(t, 'admin');
    let other = t.y;
    let stopOther = async () => {};
    if (backend === 'postgres') {
      // A second yeyak on the same database, as a second server or worker would be.
      const y = await createYeyak(t.config, {
        http: false,
        workers: false,
        logger: createLogger('warn'),
        modules: [tickets],
      });
      await y.start();
      other = y;
      stopOther = () => y.stop();
    }
    try {
      const started = Date.now();
      if (backend === 'postgres') {
        expect(
          (await admin.api.put('/api/admin/settings', { values: { 'tickets.holdMinutes': 7 } })).status,
        ).toBe(200);
      } else {
        // The embedded database has one process; another one's write is a row that appears in the table.
        await t.y.ctx.database.db.execute(
          sql`insert into runtime_settings (key, value) values ('tickets.holdMinutes', '7'::jsonb)
              on conflict (key) do update set value = excluded.value, updated_at = now()`,
        );
      }
      while (other.ctx.settings.get(holdMinutes) !== 7 && Date.now() - started < 10_000) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const seenAfter = Date.now() - started;
      expect(other.ctx.settings.get(holdMinutes)).toBe(7);
      expect(seenAfter).toBeLessThan(5_000);
    } finally {
      await stopOther();
    }
  });
});
