import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../src/demo.ts';
import { loadConfig } from '../src/platform/config.ts';
import { backends, client, eventually, login, startApp, type TestApp } from './helpers.ts';

type MailList = { messages: { id: number; to: string[]; subject: string }[] };

describe('demo mode default', () => {
  it('is on with the embedded database and off with DATABASE_URL unless asked for', () => {
    expect(loadConfig({}).demo).toBe(true);
    expect(loadConfig({ YEYAK_DEMO: '0' }).demo).toBe(false);
    const pg = 'postgres://yeyak@db.example:5432/yeyak';
    expect(loadConfig({ DATABASE_URL: pg }).demo).toBe(false);
    // The rail sandbox follows the effective demo setting.
    expect(loadConfig({ DATABASE_URL: pg }).rail.sandbox).toBe(false);
    expect(loadConfig({ DATABASE_URL: pg, YEYAK_DEMO: '1' }).demo).toBe(true);
  });
});

describe.each(backends)('demo mailbox and demo admin (%s)', (backend) => {
  let t: TestApp;
  let printed = '';

  beforeAll(async () => {
    const write = process.stdout.write.bind(process.stdout);
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk, ...rest) => {
      printed += String(chunk);
      return write(chunk, ...(rest as []));
    });
    try {
      t = await startApp(backend, {}, { env: { YEYAK_DEMO: '1' } });
    } finally {
      spy.mockRestore();
    }
  }, 180_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('keeps mail private: none without login, own mail for users, all for admins', async () => {
    const anon = client(t.url);
    const list = await anon.get('/api/mailbox');
    expect(list.status).toBe(401);
    expect(list.body).toMatchObject({ code: 401, description: expect.any(String) });

    // A sign-up code goes to a stranger's address.
    const stranger = `stranger-${Date.now()}@test.yeyak`;
    expect((await anon.post('/api/auth/signup', { email: stranger, password: 'password-123' })).status).toBe(
      201,
    );
    const admin = await login(t, 'admin');
    const codeMail = await eventually(async () => {
      const all = await admin.api.get<MailList>('/api/mailbox');
      return all.body.data!.messages.find((m) => m.to.includes(stranger));
    });
    for (const path of [`/api/mailbox/${codeMail.id}`, `/api/mailbox/${codeMail.id}/raw`]) {
      expect((await anon.get(path)).status).toBe(401);
    }

    // Another user sees neither the list entry nor the mail itself.
    const other = await login(t);
    const theirs = await other.api.get<MailList>('/api/mailbox');
    expect(theirs.status).toBe(200);
    expect(theirs.body.data!.messages.some((m) => m.to.includes(stranger))).toBe(false);
    expect((await other.api.get(`/api/mailbox/${codeMail.id}`)).status).toBe(404);
    expect((await other.api.raw(`/api/mailbox/${codeMail.id}/raw`)).status).toBe(404);

    // The stranger verifies, logs in and reads their own code mail.
    const code = /(\d{6})/.exec(codeMail.subject)![1];
    expect((await anon.post('/api/auth/verify', { email: stranger, code })).status).toBe(200);
    const me = await anon.post<{ token: string }>('/api/auth/login', {
      email: stranger,
      password: 'password-123',
    });
    const own = await client(t.url, me.body.data!.token).get<MailList>('/api/mailbox');
    expect(own.body.data!.messages.map((m) => m.id)).toContain(codeMail.id);
    expect(own.body.data!.messages.every((m) => m.to.includes(stranger))).toBe(true);
  });

  it('says it is a demo and which accounts open with the published password', async () => {
    const health = await client(t.url).get<{ demo: boolean; demoAccounts: string[] }>('/health');
    expect(health.body.data!.demo).toBe(true);
    const adminLogin = await client(t.url).post('/api/auth/login', {
      email: DEMO_USERS.admin,
      password: DEMO_PASSWORD,
    });
    const buyerLogin = await client(t.url).post('/api/auth/login', {
      email: DEMO_USERS.user,
      password: DEMO_PASSWORD,
    });
    expect(buyerLogin.status).toBe(200);
    if (backend === 'pglite') {
      expect(health.body.data!.demoAccounts).toEqual(expect.arrayContaining(Object.values(DEMO_USERS)));
      expect(adminLogin.status).toBe(200);
      expect(printed).not.toContain('generated password');
    } else {
      // Outside the embedded database the admin's password is generated and printed once.
      expect(health.body.data!.demoAccounts).not.toContain(DEMO_USERS.admin);
      expect(adminLogin.status).toBe(401);
      const generated = /the generated password (\S+)/.exec(printed)?.[1];
      expect(generated).toBeTruthy();
      const withGenerated = await client(t.url).post('/api/auth/login', {
        email: DEMO_USERS.admin,
        password: generated,
      });
      expect(withGenerated.status).toBe(200);
    }
  });
});
