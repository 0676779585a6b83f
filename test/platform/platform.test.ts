import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { sha256 } from '../../src/platform/crypto.ts';
import { DataDirLockedError, openDatabase } from '../../src/platform/db.ts';
import { sessions } from '../../src/platform/schema.ts';
import {
  backends,
  client,
  createEvent,
  eventually,
  inHours,
  login,
  startApp,
  type TestApp,
} from '../helpers.ts';

describe('configuration', () => {
  it('names every bad variable', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', HOLD_MINUTES: '-3', YEYAK_DEMO: 'maybe' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = (err as ConfigError).message;
    for (const name of ['PORT', 'DATABASE_URL', 'HOLD_MINUTES', 'YEYAK_DEMO']) expect(text).toContain(name);
  });

  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, dataDir: './data', demo: true, holdMinutes: 20 });
    expect(loadConfig({ YEYAK_DEMO: '0', PORT: '9090' })).toMatchObject({ demo: false, port: 9090 });
  });

  it('makes a second process on the same PGlite folder fail loudly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yeyak-lock-'));
    const db = await openDatabase({ dataDir: dir });
    try {
      await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
      const other = spawnSync(join(process.cwd(), 'bin/yeyak'), ['migrate'], {
        env: { ...process.env, YEYAK_DATA: dir, DATABASE_URL: '' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(other.status).not.toBe(0);
      expect(other.stderr).toContain('in use by process');
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(backends)('platform on %s', (backend) => {
  let t: TestApp;
  let anon: ReturnType<typeof client>;
  let admin: Awaited<ReturnType<typeof login>>;

  beforeAll(async () => {
    t = await startApp(backend, { bodyLimit: 64 * 1024 });
    anon = client(t.url);
    admin = await login(t, 'admin');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('signs up with a mailed verification code, logs in and out', async () => {
    const email = `new-${Date.now()}@test.yeyak`;
    const signup = await anon.post('/api/auth/signup', { email, password: 'correct horse', name: '새 회원' });
    expect(signup.status).toBe(201);
    // Not verified yet: login is refused.
    expect((await anon.post('/api/auth/login', { email, password: 'correct horse' })).status).toBe(403);

    const mail = await eventually(async () => {
      const list = await admin.api.get<{ messages: { id: number; to: string[]; subject: string }[] }>(
        '/api/mailbox',
      );
      return list.body.data!.messages.find((m) => m.to.includes(email));
    });
    const code = /(\d{6})/.exec(mail.subject)![1];
    const wrong = await anon.post('/api/auth/verify', {
      email,
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.data).toMatchObject({ errors: [{ path: 'body.code', message: expect.any(String) }] });
    expect((await anon.post('/api/auth/verify', { email, code })).status).toBe(200);

    const login1 = await anon.post<{ token: string; user: { role: string } }>('/api/auth/login', {
      email: email.toUpperCase(),
      password: 'correct horse',
    });
    expect(login1.status).toBe(200);
    expect(login1.body.data!.user.role).toBe('user');
    const me = client(t.url, login1.body.data!.token);
    const who = await me.get('/api/auth/me');
    expect(who.status).toBe(200);
    // No password, hash or token ever comes back (only the names of the ways it signs in).
    const { signInMethods, ...rest } = who.body.data as { signInMethods: string[] };
    expect(signInMethods).toEqual(['password']);
    expect(JSON.stringify(rest)).not.toMatch(/password|scrypt|hash|token/i);
    expect((await me.post('/api/auth/logout')).status).toBe(200);
    expect((await me.get('/api/auth/me')).status).toBe(401);

    expect((await anon.post('/api/auth/login', { email, password: 'wrong password' })).status).toBe(401);
    // A taken address answers like a new one (no probing for accounts); the owner is mailed instead.
    expect((await anon.post('/api/auth/signup', { email, password: 'another one' })).status).toBe(201);
    // A user only sees their own mail.
    const user = await login(t);
    const theirs = await user.api.get<{ messages: unknown[] }>('/api/mailbox');
    expect(theirs.body.data!.messages).toHaveLength(0);
  });

  it('refuses expired tokens', async () => {
    const u = await login(t);
    await t.y.ctx.database.db.insert(sessions).values({
      tokenHash: sha256('expired-token-value'),
      userId: (await t.y.auth.userForToken(u.token))!.id,
      expiresAt: new Date(Date.now() - 1000),
    });
    const res = await client(t.url, 'expired-token-value').get('/api/reservations');
    expect(res.status).toBe(401);
    expect(res.body.description).toContain('log in again');
  });

  it('answers bad input with a 4xx envelope naming the field', async () => {
    const org = await login(t, 'organizer');
    const missing = await org.api.post('/api/events', { title: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 400 });
    const paths = (missing.body.data as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.code', 'body.showtimes']));

    const extra = await org.api.post('/api/holds', {
      ticketTypeId: '00000000-0000-4000-8000-000000000000',
      quantity: 1,
      coupon: 'FREE',
    });
    expect(extra.status).toBe(400);
    expect(extra.body.data).toMatchObject({ errors: [{ path: 'body.coupon', message: 'unknown field' }] });

    const wrongType = await org.api.post('/api/holds', { ticketTypeId: 'abc', quantity: '2' });
    expect(wrongType.status).toBe(400);
    expect((wrongType.body.data as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([
      'body.ticketTypeId',
      'body.quantity',
    ]);

    const zero = await org.api.post('/api/holds', {
      ticketTypeId: '00000000-0000-4000-8000-000000000000',
      quantity: 0,
    });
    expect(zero.status).toBe(400);
    expect(zero.body.description).toContain('body.quantity');

    const badJson = await org.api.raw('/api/holds', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"ticketTypeId":',
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ code: 400, description: 'body is not valid JSON' });

    const huge = await org.api.raw('/api/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x'.repeat(100_000) }),
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ code: 413 });

    const text = await org.api.raw('/api/holds', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).toBe(415);

    expect((await org.api.get('/api/holds/not-an-id')).body).toMatchObject({
      code: 400,
      description: expect.stringContaining('params.id'),
    });
    expect((await org.api.get('/api/holds/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect(
      (
        await org.api.post('/api/holds', {
          ticketTypeId: '00000000-0000-4000-8000-000000000000',
          quantity: 1,
        })
      ).status,
    ).toBe(404);
    expect((await org.api.get('/api/reservations/123456789')).status).toBe(404);
    expect((await org.api.get('/api/events/NOPE-123')).status).toBe(404);
    expect((await anon.get('/api/no/such/route')).body).toMatchObject({ code: 404 });
    // Without login, a protected route says 401 before looking at the body.
    expect((await anon.post('/api/holds', { nonsense: true })).status).toBe(401);
  });

  it('leaves nothing half-written when a change fails', async () => {
    const org = await login(t, 'organizer');
    const bad = await org.api.post('/api/events', {
      code: 'PFHALF01',
      title: 'half',
      showtimes: [
        { startsAt: inHours(5), ticketTypes: [{ name: 'A', price: 1, quota: 1 }] },
        {
          startsAt: inHours(6),
          ticketTypes: [
            { name: 'B', price: 1, quota: 1 },
            { name: 'B', price: 2, quota: 1 },
          ],
        },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.description).toContain('body.showtimes.1.ticketTypes.1.name');
    expect((await anon.get('/api/events/PFHALF01')).status).toBe(404);

    // An edit that fails part-way (removing a sold ticket type) keeps the old title too.
    const ev = await createEvent(org.api, {
      title: '원래 제목',
      ticketTypes: [{ name: 'A', price: 1000, quota: 3 }],
    });
    const buyer = await login(t);
    await buyer.api.post('/api/reservations', {
      ticketTypeId: ev.showtimes[0].ticketTypes[0].id,
      quantity: 1,
    });
    const edit = await org.api.put(`/api/events/${ev.id}`, {
      code: ev.code,
      title: '바뀐 제목',
      showtimes: [
        {
          id: ev.showtimes[0].id,
          startsAt: ev.showtimes[0].startsAt,
          ticketTypes: [{ name: 'B', price: 1000, quota: 3 }],
        },
      ],
    });
    expect(edit.status).toBe(409);
    expect(
      (await anon.get<{ event: { title: string } }>(`/api/events/${ev.id}`)).body.data!.event.title,
    ).toBe('원래 제목');
    const shrink = await org.api.put(`/api/events/${ev.id}`, {
      code: ev.code,
      title: '바뀐 제목',
      showtimes: [
        {
          id: ev.showtimes[0].id,
          startsAt: ev.showtimes[0].startsAt,
          ticketTypes: [{ id: ev.showtimes[0].ticketTypes[0].id, name: 'A', price: 1000, quota: 0 }],
        },
      ],
    });
    expect(shrink.status).toBe(400);
    expect(shrink.body.description).toContain('quota');
  });

  it('reports health and serves OpenAPI docs', async () => {
    const health = await anon.get<{ database: { state: string; kind: string }; broker: { kind: string } }>(
      '/health',
    );
    expect(health.status).toBe(200);
    expect(health.body.data!.database).toEqual({ kind: backend, state: 'ok' });
    expect(health.body.data!.broker.kind).toBe('in-process');
    const docs = await anon.raw('/docs/json');
    expect(docs.status).toBe(200);
    const spec = (await docs.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/events', '/reservation/create', '/api/checkin']),
    );
    expect((await anon.raw('/docs')).status).toBeLessThan(400);
  });
});

describe('yeyak CLI', () => {
  it('migrates and adds users who can then log in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yeyak-cli-'));
    const run = (...args: string[]) =>
      spawnSync(join(process.cwd(), 'bin/yeyak'), args, {
        env: { ...process.env, YEYAK_DATA: dir, DATABASE_URL: '', YEYAK_DEMO: '0', LOG_LEVEL: 'warn' },
        encoding: 'utf8',
        timeout: 90_000,
      });
    try {
      const migrate = run('migrate');
      expect(migrate.stdout).toContain('migrations applied (pglite)');
      expect(migrate.status).toBe(0);
      const add = run(
        'users',
        'add',
        'Boss@Example.com',
        '--password',
        'long-enough-1',
        '--role',
        'organizer',
      );
      expect(add.stdout).toContain('boss@example.com (organizer) is ready');
      expect(add.status).toBe(0);
      const bad = run('users', 'add', 'x@y.z', '--password', 'long-enough-1', '--role', 'king');
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toContain('must be one of user, organizer, counselor, admin');
      const short = run('users', 'add', 'x@y.z', '--password', 'short');
      expect(short.status).not.toBe(0);
      const badEnv = spawnSync(join(process.cwd(), 'bin/yeyak'), ['migrate'], {
        env: { ...process.env, YEYAK_DATA: dir, PORT: 'abc' },
        encoding: 'utf8',
      });
      expect(badEnv.status).toBe(2);
      expect(badEnv.stderr).toContain('PORT');

      const t = await startApp('pglite', { dataDir: dir });
      try {
        const res = await client(t.url).post<{ user: { role: string } }>('/api/auth/login', {
          email: 'boss@example.com',
          password: 'long-enough-1',
        });
        expect(res.status).toBe(200);
        expect(res.body.data!.user.role).toBe('organizer');
      } finally {
        await t.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
