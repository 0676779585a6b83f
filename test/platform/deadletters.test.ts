import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../src/platform/events/dead.ts';
import { client, createEvent, eventually, login, startApp, startSmtp, type TestApp } from '../helpers.ts';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** Sells one ticket; its mail is refused until it is given up on. Answers the event id. */
async function deadTicketMail(t: TestApp) {
  const organizer = await login(t, 'organizer');
  const ev = await createEvent(organizer.api, { ticketTypes: [{ name: 'R석', price: 10_000, quota: 5 }] });
  const buyer = await login(t, 'user');
  const held = await buyer.api.post<{ hold: { id: string } }>('/api/holds', {
    ticketTypeId: ev.showtimes[0].ticketTypes[0].id,
    quantity: 1,
  });
  expect((await buyer.api.post(`/api/holds/${held.body.data?.hold.id}/confirm`)).status).toBe(201);
  const admin = await login(t, 'admin');
  const dead = await eventually(async () => {
    const res = await admin.api.get<{ dead: DeadLetter[] }>('/api/admin/events/dead');
    return res.body.data?.dead.find((d) => d.consumer === 'ticket-mail');
  }, 30_000);
  return { admin, buyer, dead };
}

describe('dead letters', () => {
  it('lists a mail given up on to admins only, and re-drives it by id', async () => {
    const smtp = await startSmtp();
    smtp.setRefuse(true);
    const t = await startApp('pglite', { smtpUrl: smtp.url, mailMaxAttempts: 2, retryBaseMs: 100 });
    try {
      const { admin, buyer, dead } = await deadTicketMail(t);
      expect(dead).toMatchObject({ topic: 'tickets.reservation_confirmed', attempts: 2 });
      expect(dead.lastError).toMatch(/451/);
      expect((await client(t.url).get('/api/admin/events/dead')).status).toBe(401);
      expect((await buyer.api.get('/api/admin/events/dead')).status).toBe(403);
      expect((await buyer.api.post(`/api/admin/events/dead/${dead.eventId}/redrive`)).status).toBe(403);
      const bad = await admin.api.post('/api/admin/events/dead/not-a-uuid/redrive');
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.data)).toContain('eventId');
      const unknown = await admin.api.post(
        '/api/admin/events/dead/00000000-0000-4000-8000-000000000000/redrive',
      );
      expect(unknown.status).toBe(404);

      smtp.setRefuse(false);
      const res = await admin.api.post<{ redriven: number }>(
        `/api/admin/events/dead/${dead.eventId}/redrive`,
      );
      expect(res.status).toBe(200);
      expect(res.body.data?.redriven).toBe(1);
      const mail = await eventually(async () => smtp.messages[0], 20_000);
      expect(mail.parsed.messageId).toBe(`<${dead.eventId}.ticket@yeyak.local>`);
      const after = await admin.api.get<{ dead: DeadLetter[] }>('/api/admin/events/dead');
      expect(after.body.data?.dead).toEqual([]);
    } finally {
      await t.stop();
      await smtp.close();
    }
  }, 90_000);

  it('`yeyak events dead` lists it and `yeyak events redrive --all` sends it again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'yeyak-dead-'));
    const smtp = await startSmtp();
    smtp.setRefuse(true);
    const overrides = { smtpUrl: smtp.url, mailMaxAttempts: 1, retryBaseMs: 100, dataDir };
    try {
      const t = await startApp('pglite', overrides);
      const { dead } = await deadTicketMail(t);
      await t.y.stop();

      // The CLI opens this PGlite folder, not the PostgreSQL server CI names in DATABASE_URL.
      const { DATABASE_URL: _db, AMQP_URL: _mq, ...inherited } = process.env;
      const env = { ...inherited, YEYAK_DATA: dataDir, YEYAK_DEMO: '0', LOG_LEVEL: 'warn' };
      const cli = (...args: string[]) => run(process.execPath, ['bin/yeyak', ...args], { cwd: root, env });
      const listed = await cli('events', 'dead');
      expect(listed.stdout).toContain(dead.eventId);
      expect(listed.stdout).toContain('ticket-mail');
      await expect(cli('events', 'redrive')).rejects.toThrow(/give an event id or --all/);
      expect((await cli('events', 'redrive', '--all')).stdout).toContain('redriven: 1');
      expect((await cli('events', 'dead')).stdout).toContain('no dead letters');

      smtp.setRefuse(false);
      const again = await startApp('pglite', overrides);
      try {
        await eventually(async () => smtp.messages.length === 1, 120_000);
        expect(smtp.messages[0].parsed.messageId).toBe(`<${dead.eventId}.ticket@yeyak.local>`);
      } finally {
        await again.y.stop();
      }
    } finally {
      await smtp.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 600_000);
});
