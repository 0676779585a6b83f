import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  backends,
  createEvent,
  eventually,
  freshPostgres,
  login,
  startApp,
  type TestApp,
} from '../helpers.ts';
import { startFaultySmtp } from './smtp-faults.ts';

const root = resolve(import.meta.dirname, '../..');
const SECRET = 'crash-test-secret-0123456789abcdef0123456789';
const FROM = 'yeyak <tickets@crash.yeyak.test>';
const TICKET_ID = /^<[0-9a-f-]{36}\.ticket@crash\.yeyak\.test>$/;

/** A database that outlives one process: a PGlite folder, or a PostgreSQL database. */
async function durableDatabase(backend: Backend) {
  const dataDir = mkdtempSync(join(tmpdir(), 'yeyak-crash-'));
  const pg = backend === 'postgres' ? await freshPostgres() : undefined;
  return {
    dataDir,
    databaseUrl: pg?.url,
    drop: async () => {
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sells `count` tickets (one reservation each) with no worker running, so every mail is queued. */
async function sellTickets(backend: Backend, db: { dataDir: string; databaseUrl?: string }, count: number) {
  const t: TestApp = await startApp(
    backend,
    { dataDir: db.dataDir, databaseUrl: db.databaseUrl, secret: SECRET, mailFrom: FROM },
    { workers: false },
  );
  try {
    const organizer = await login(t, 'organizer');
    const ev = await createEvent(organizer.api, {
      ticketTypes: [{ name: 'R석', price: 10_000, quota: count }],
    });
    const typeId = ev.showtimes[0].ticketTypes[0].id;
    const buyer = await login(t, 'user');
    for (let i = 0; i < count; i++) {
      const held = await buyer.api.post<{ hold: { id: string } }>('/api/holds', {
        ticketTypeId: typeId,
        quantity: 1,
      });
      const ok = await buyer.api.post(`/api/holds/${held.body.data?.hold.id}/confirm`);
      expect(ok.status).toBe(201);
    }
    // Every event is handed to the queue before this process goes.
    await eventually(async () => (await t.y.ctx.relay.drain()) === 0 && !t.y.ctx.relay.lastError, 120_000);
    return buyer.email;
  } finally {
    await t.y.stop();
  }
}

/** `yeyak worker` as a real child process on that database. */
function worker(db: { dataDir: string; databaseUrl?: string }, smtpUrl: string) {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    YEYAK_DATA: db.dataDir,
    YEYAK_DEMO: '0',
    YEYAK_SECRET: SECRET,
    SMTP_URL: smtpUrl,
    MAIL_FROM: FROM,
    LOG_LEVEL: 'info',
  };
  if (db.databaseUrl) env.DATABASE_URL = db.databaseUrl;
  const child = spawn(process.execPath, ['bin/yeyak', 'worker'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (b: Buffer) => output.push(b.toString()));
  child.stderr?.on('data', (b: Buffer) => output.push(b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  return { child, output, exited };
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe.each(backends)('mail across worker crashes on %s', (backend) => {
  it('kill -9 after the server took a ticket mail: every ticket arrives, a copy has the same Message-ID, retried within seconds', async () => {
    const TICKETS = 6;
    const db = await durableDatabase(backend);
    let first: ReturnType<typeof worker> | undefined;
    let killedAt = 0;
    const smtp = await startFaultySmtp(() => {
      // The first message is in; its sender dies before the 250 (and before it can mark it done).
      // Mails it had in flight at that moment arrive too, unanswered.
      if (!killedAt) {
        first?.child.kill('SIGKILL');
        killedAt = Date.now();
        return { delayMs: 1000 };
      }
      return 'ok';
    });
    try {
      await sellTickets(backend, db, TICKETS);
      first = worker(db, smtp.url);
      children.push(first.child);
      const end = await first.exited;
      expect(end.signal).toBe('SIGKILL');

      const second = worker(db, smtp.url);
      children.push(second.child);
      await eventually(async () => second.output.join('').includes('yeyak worker running'), 300_000, 100);
      const restartedAt = Date.now();
      // Every ticket, plus the copy of each mail the killed worker had sent without its answer.
      const unanswered = smtp.received.length;
      await eventually(async () => smtp.received.length >= TICKETS + unanswered, 300_000, 200).catch(
        (err) => {
          throw new Error(`${(err as Error).message}; worker said: ${second.output.join('').slice(-2000)}`);
        },
      );
      const allInAfterMs = Date.now() - restartedAt;
      // A little longer, to see any late copies.
      await new Promise((r) => setTimeout(r, 3000));
      second.child.kill('SIGTERM');
      const secondEnd = await second.exited;
      expect(secondEnd, second.output.join('').slice(-3000)).toEqual({ code: 0, signal: null });

      const ids = smtp.distinct();
      expect(ids.size).toBe(TICKETS); // 0 losses, 0 distinct duplicates
      for (const id of ids) expect(id).toMatch(TICKET_ID);
      // The copies that were in flight at the kill came again, under their own Message-ID.
      expect(unanswered).toBeGreaterThanOrEqual(1);
      console.log(
        `[${backend}] kill -9: ${unanswered} mail(s) taken unanswered, ${smtp.received.length} received for ${TICKETS} tickets, all in ${allInAfterMs} ms after the new worker was up (${restartedAt - killedAt} ms after the kill)`,
      );
      expect(allInAfterMs).toBeLessThan(90_000);
    } finally {
      await smtp.close();
      await db.drop();
    }
  }, 600_000);

  it('SIGTERM while mails are being sent: the worker waits for them and exits 0', async () => {
    const db = await durableDatabase(backend);
    let w: ReturnType<typeof worker> | undefined;
    let signalled = false;
    const smtp = await startFaultySmtp((n) => {
      if (!signalled && w) {
        signalled = true;
        w.child.kill('SIGTERM');
      }
      // Sends that fail 5–8 s into the shutdown, past the old 5 s graceful wait: their failure must
      // still be recorded on an open database, not crash the process on a closed one.
      return { delayMs: 4500 + 500 * n, drop: true };
    });
    try {
      await sellTickets(backend, db, 8);
      w = worker(db, smtp.url);
      children.push(w.child);
      const end = await w.exited;
      expect({ code: end.code, output: end.code === 0 ? '' : w.output.join('').slice(-3000) }).toEqual({
        code: 0,
        output: '',
      });
    } finally {
      await smtp.close();
      await db.drop();
    }
  }, 600_000);
});

describe.each(backends)('SMTP answer lost on the wire on %s', (backend) => {
  let t: TestApp | undefined;
  afterAll(async () => t?.stop());

  it('the server keeps the message and drops the connection before the 250: the copy has the same Message-ID', async () => {
    const TICKETS = 10;
    const dropped = new Set<string>();
    const smtp = await startFaultySmtp((_n, mail) => {
      // Each mail's first arrival loses its reply.
      if (dropped.has(mail.messageId)) return 'ok';
      dropped.add(mail.messageId);
      return 'drop';
    });
    try {
      t = await startApp(backend, { smtpUrl: smtp.url, mailFrom: FROM, retryBaseMs: 200 });
      const organizer = await login(t, 'organizer');
      const ev = await createEvent(organizer.api, {
        ticketTypes: [{ name: 'R석', price: 10_000, quota: TICKETS }],
      });
      const buyer = await login(t, 'user');
      for (let i = 0; i < TICKETS; i++) {
        const held = await buyer.api.post<{ hold: { id: string } }>('/api/holds', {
          ticketTypeId: ev.showtimes[0].ticketTypes[0].id,
          quantity: 1,
        });
        expect((await buyer.api.post(`/api/holds/${held.body.data?.hold.id}/confirm`)).status).toBe(201);
      }
      await eventually(async () => smtp.received.length >= 2 * TICKETS, 300_000, 200);
      const ids = smtp.distinct();
      expect(ids.size).toBe(TICKETS);
      for (const id of ids) expect(id).toMatch(TICKET_ID);
      // Each copy is the same mail: one Message-ID per ticket, received twice.
      expect(smtp.received.length).toBe(2 * TICKETS);
      await eventually(async () => {
        const database = t?.y.ctx.database;
        if (!database) return false;
        const rows = await database.raw(
          "select count(*)::int as n from event_deliveries where consumer = 'ticket-mail' and status = 'done'",
        );
        return (rows.rows[0] as { n: number }).n === TICKETS;
      });
    } finally {
      await smtp.close();
    }
  }, 600_000);
});
