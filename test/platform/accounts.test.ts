import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { DEMO_PASSWORD, DEMO_USERS } from '../../src/platform/demo.ts';
import { backends, client, eventually, login, startApp, type TestApp } from '../helpers.ts';

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

/** A port free right now (the server under test gets it from PORT). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((done) => s.listen(0, '127.0.0.1', done));
  const port = (s.address() as AddressInfo).port;
  await new Promise((done) => s.close(done));
  return port;
}

type UserRow = { id: string; email: string; role: string; disabled: boolean; verified: boolean };
type UserPage = { users: UserRow[]; total: number; page: number; pageSize: number };

async function patch<T = Record<string, unknown>>(
  t: TestApp,
  token: string | undefined,
  path: string,
  body: unknown,
) {
  const res = await fetch(t.url + path, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { code: number; description: string; data?: T } };
}

describe.each(backends)('admin users API (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(backend);
  }, 180_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('is for admins only: anonymous 401, user and organiser 403', async () => {
    const user = await login(t, 'user');
    const organizer = await login(t, 'organizer');
    const me = (await t.y.auth.userForToken(user.token))!;
    for (const [token, status] of [
      [undefined, 401],
      [user.token, 403],
      [organizer.token, 403],
    ] as const) {
      const api = client(t.url, token);
      expect((await api.get('/api/admin/users')).status).toBe(status);
      expect((await api.post('/api/admin/users', { email: 'x@y.zz', password: 'password-123' })).status).toBe(
        status,
      );
      expect((await patch(t, token, `/api/admin/users/${me.id}`, { role: 'admin' })).status).toBe(status);
    }
    expect((await t.y.auth.userForToken(user.token))!.role).toBe('user');
  });

  it('lists with search and paging, adds, changes roles, disables and enables', async () => {
    const admin = await login(t, 'admin');
    const tag = `pg${Date.now().toString(36)}`;
    for (let i = 0; i < 5; i++) {
      const add = await admin.api.post<{ user: UserRow }>('/api/admin/users', {
        email: `${tag}-${i}@Example.com`,
        password: 'password-123',
        role: i === 0 ? 'organizer' : 'user',
        name: `Person ${i}`,
      });
      expect(add.status).toBe(201);
      expect(add.body.data!.user).toMatchObject({ email: `${tag}-${i}@example.com`, verified: true });
    }
    const dup = await admin.api.post('/api/admin/users', {
      email: `${tag}-0@example.com`,
      password: 'password-123',
    });
    expect(dup.status).toBe(409);
    const bad = await admin.api.post('/api/admin/users', { email: 'nope', password: 'short', role: 'king' });
    expect(bad.status).toBe(400);
    expect((bad.body.data as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['body.email', 'body.password', 'body.role']),
    );

    const page1 = await admin.api.get<UserPage>(`/api/admin/users?q=${tag}&pageSize=2`);
    expect(page1.body.data).toMatchObject({ total: 5, page: 1, pageSize: 2 });
    expect(page1.body.data!.users).toHaveLength(2);
    const page3 = await admin.api.get<UserPage>(`/api/admin/users?q=${tag}&pageSize=2&page=3`);
    expect(page3.body.data!.users).toHaveLength(1);
    // A LIKE wildcard in the search is just a character.
    expect((await admin.api.get<UserPage>(`/api/admin/users?q=${tag}_%25`)).body.data!.total).toBe(0);
    expect((await admin.api.get('/api/admin/users?pageSize=1000')).status).toBe(400);

    const target = page1.body.data!.users[0];
    const person = await client(t.url).post<{ token: string }>('/api/auth/login', {
      email: target.email,
      password: 'password-123',
    });
    const personApi = client(t.url, person.body.data!.token);
    expect((await personApi.get('/api/auth/me')).status).toBe(200);

    const promoted = await patch<{ user: UserRow }>(t, admin.token, `/api/admin/users/${target.id}`, {
      role: 'organizer',
    });
    expect(promoted.body.data!.user.role).toBe('organizer');
    expect((await personApi.get<{ user: UserRow }>('/api/auth/me')).body.data!.user.role).toBe('organizer');

    const disabled = await patch<{ user: UserRow }>(t, admin.token, `/api/admin/users/${target.id}`, {
      disabled: true,
    });
    expect(disabled.body.data!.user.disabled).toBe(true);
    // The session ends at once and the password no longer logs in.
    expect((await personApi.get('/api/auth/me')).status).toBe(401);
    const again = await client(t.url).post('/api/auth/login', {
      email: target.email,
      password: 'password-123',
    });
    expect(again.status).toBe(403);
    await patch(t, admin.token, `/api/admin/users/${target.id}`, { disabled: false });
    expect(
      (await client(t.url).post('/api/auth/login', { email: target.email, password: 'password-123' })).status,
    ).toBe(200);

    // An admin cannot lock themselves out; unknown ids are a 404, malformed ones a 400.
    const self = (await t.y.auth.userForToken(admin.token))!;
    expect((await patch(t, admin.token, `/api/admin/users/${self.id}`, { disabled: true })).status).toBe(400);
    expect((await patch(t, admin.token, `/api/admin/users/${self.id}`, { role: 'user' })).status).toBe(400);
    expect((await patch(t, admin.token, `/api/admin/users/${randomUUID()}`, { role: 'user' })).status).toBe(
      404,
    );
    expect((await patch(t, admin.token, '/api/admin/users/not-an-id', { role: 'user' })).status).toBe(400);
  });
});

describe('yeyak users next to a running server on the embedded database', () => {
  it('goes through the server admin API with the local token, which works only from this machine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yeyak-users-'));
    const env = {
      ...process.env,
      YEYAK_DATA: dir,
      DATABASE_URL: '',
      YEYAK_DEMO: '0',
      LOG_LEVEL: 'warn',
      PORT: String(await freePort()),
      HOST: '0.0.0.0',
    };
    const bin = join(process.cwd(), 'bin/yeyak');
    const server = spawn(bin, ['serve', '--no-workers'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let serverOut = '';
    server.stdout.on('data', (d) => (serverOut += String(d)));
    server.stderr.on('data', (d) => (serverOut += String(d)));
    const exited = new Promise<number | null>((done) => server.on('exit', (code) => done(code)));
    const cli = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
        const p = spawn(bin, args, { env });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (d) => (stdout += String(d)));
        p.stderr.on('data', (d) => (stderr += String(d)));
        p.on('exit', (status) => done({ status, stdout, stderr }));
      });
    try {
      const url = `http://127.0.0.1:${env.PORT}`;
      await eventually(async () => (await fetch(`${url}/health`)).ok, 420_000, 500);

      const add = await cli(
        'users',
        'add',
        'Boss@Example.com',
        '--password',
        'long-enough-1',
        '--role',
        'organizer',
      );
      expect(add.stderr).toBe('');
      expect(add.stdout).toContain('boss@example.com (organizer) is ready');
      expect(add.status).toBe(0);
      const loggedIn = await client(url).post<{ user: { role: string } }>('/api/auth/login', {
        email: 'boss@example.com',
        password: 'long-enough-1',
      });
      expect(loggedIn.status).toBe(200);
      expect(loggedIn.body.data!.user.role).toBe('organizer');

      const counselor = await cli('users', 'role', 'boss@example.com', 'counselor');
      expect(counselor.stdout).toContain('boss@example.com\tcounselor');
      expect((await cli('users', 'role', 'boss@example.com', 'king')).stderr).toContain('counselor');
      const role = await cli('users', 'role', 'boss@example.com', 'admin');
      expect(role.stdout).toContain('boss@example.com\tadmin');
      const list = await cli('users', 'list', '--search', 'boss');
      expect(list.stdout).toContain('boss@example.com\tadmin\tactive');
      const disable = await cli('users', 'disable', 'boss@example.com');
      expect(disable.stdout).toContain('boss@example.com\tadmin\tsuspended');
      expect(
        (await client(url).post('/api/auth/login', { email: 'boss@example.com', password: 'long-enough-1' }))
          .status,
      ).toBe(403);

      const file = join(dir, 'admin.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const local = JSON.parse(readFileSync(file, 'utf8')) as { port: number; token: string };
      expect(local.port).toBe(Number(env.PORT));
      // The token is refused when forwarded (a proxy on this host) and from another address.
      const withToken = client(url, local.token);
      expect((await withToken.get('/api/admin/users')).status).toBe(200);
      expect((await withToken.get('/api/admin/users', { 'x-forwarded-for': '203.0.113.9' })).status).toBe(
        403,
      );
      expect((await client(url, 'not-the-token').get('/api/admin/users')).status).toBe(401);
      const outside = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal);
      if (outside) {
        const remote = await client(`http://${outside.address}:${local.port}`, local.token).get(
          '/api/admin/users',
        );
        expect(remote.status).toBe(403);
      }

      // Stopped, the server takes its file away and the CLI opens the database itself again.
      server.kill('SIGTERM');
      await exited;
      expect(existsSync(file)).toBe(false);
      const enable = await cli('users', 'enable', 'boss@example.com');
      expect(enable.stdout).toContain('boss@example.com\tadmin\tactive');
    } catch (err) {
      console.error(serverOut);
      throw err;
    } finally {
      if (server.exitCode === null) server.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
