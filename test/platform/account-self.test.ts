import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_CACHE_MS } from '../../src/platform/auth/service.ts';
import { RULES, rateLimiter } from '../../src/platform/ratelimit.ts';
import { backends, client, eventually, login, startApp, type TestApp } from '../helpers.ts';

/**
 * The owner's side of an account (states, profile, mailed codes by purpose, password reset,
 * find-account, withdrawal) and route-declared rate limits, on PGlite and PostgreSQL.
 */

type Me = {
  id: string;
  email: string;
  role: string;
  state: string;
  nickname: string | null;
  intro: string;
};
type Field = { errors?: { path: string; message: string }[]; path?: string; retryAfter?: number };
let seq = 0;
/** A distinct client address per call site (the server trusts X-Forwarded-For from loopback). */
const from = () => ({ 'x-forwarded-for': `203.0.113.${++seq}` });
const paths = (body: { data?: Field }) => (body.data?.errors ?? []).map((e) => e.path);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(backends)('account lifecycle (%s)', (backend) => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof login>>;
  const anon = () => client(t.url);
  const sql = async <R = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    (await t.y.ctx.database.raw(text, params)).rows as R[];

  beforeAll(async () => {
    t = await startApp(backend);
    admin = await login(t, 'admin');
  }, 180_000);
  afterAll(async () => {
    await t?.stop();
  });

  /** The newest mail to `email` whose subject matches, with its text. */
  async function mail(email: string, subject: RegExp, after = 0) {
    const found = await eventually(async () => {
      const list = await admin.api.get<{ messages: { id: number; to: string[]; subject: string }[] }>(
        '/api/mailbox',
      );
      return list.body.data!.messages.find(
        (m) => m.id > after && m.to.includes(email) && subject.test(m.subject),
      );
    });
    const full = await admin.api.get<{ message: { text: string; subject: string; id: number } }>(
      `/api/mailbox/${found.id}`,
    );
    return full.body.data!.message;
  }
  const codeIn = (m: { subject: string }) => /(\d{6})/.exec(m.subject)![1];

  it('refuses a suspended account at login (403 saying so) and stops its tokens within the cache time', async () => {
    const u = await login(t);
    const me = await u.api.get<{ user: Me }>('/api/auth/me');
    expect(me.body.data!.user).toMatchObject({ state: 'active', nickname: null, intro: '' });
    // Suspended behind this process's back (another server, or SQL): only the state filter stops it.
    await sql(`update users set state = 'suspended' where id = $1`, [me.body.data!.user.id]);
    const started = Date.now();
    await eventually(
      async () => (await u.api.get('/api/auth/me')).status === 401,
      TOKEN_CACHE_MS + 3_000,
      200,
    );
    expect(Date.now() - started).toBeLessThanOrEqual(TOKEN_CACHE_MS + 1_500);
    const again = await anon().post('/api/auth/login', { email: u.email, password: 'password-123' }, from());
    expect(again.status).toBe(403);
    expect(again.body.description).toMatch(/^this account is suspended/);
    // A wrong password still says only "wrong": a guesser learns nothing about the state.
    expect(
      (await anon().post('/api/auth/login', { email: u.email, password: 'nope-nope' }, from())).status,
    ).toBe(401);
  });

  it('keeps nicknames unique without regard to case, bounded and trimmed, with an intro', async () => {
    const a = await login(t);
    const b = await login(t);
    const nick = `Nick${Date.now().toString(36).slice(-6)}`;
    const set = await a.api.patch<{ user: Me }>('/api/auth/profile', {
      nickname: `  ${nick} `,
      intro: 'hello',
    });
    expect(set.status).toBe(200);
    expect(set.body.data!.user).toMatchObject({ nickname: nick, intro: 'hello' });
    const taken = await b.api.patch<Field>('/api/auth/profile', { nickname: nick.toUpperCase(), intro: 'x' });
    expect(taken.status).toBe(409);
    expect(paths(taken.body)).toEqual(['body.nickname']);
    for (const [body, field] of [
      [{ nickname: 'x' }, 'body.nickname'],
      [{ nickname: 'a'.repeat(21) }, 'body.nickname'],
      [{ nickname: 'me@mail' }, 'body.nickname'],
      [{ intro: 'z'.repeat(501) }, 'body.intro'],
      [{ memo: 'mine' }, 'body.memo'],
      [{ role: 'admin' }, 'body.role'],
    ] as const) {
      const r = await b.api.patch<Field>('/api/auth/profile', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(paths(r.body)).toContain(field);
    }
    // Nothing of the refused changes stuck (the 409 wrote no intro either).
    const bMe = await b.api.get<{ user: Me }>('/api/auth/me');
    expect(bMe.body.data!.user).toMatchObject({ nickname: null, intro: '', role: 'user' });
    // Clearing frees the name for someone else.
    expect((await a.api.patch('/api/auth/profile', { nickname: null })).status).toBe(200);
    expect((await b.api.patch('/api/auth/profile', { nickname: nick.toLowerCase() })).status).toBe(200);
    expect((await anon().patch('/api/auth/profile', { nickname: 'anon' })).status).toBe(401);
  });

  it('shows the admin memo to admins only, and logs that it changed but not what it says', async () => {
    const u = await login(t);
    const id = (await u.api.get<{ user: Me }>('/api/auth/me')).body.data!.user.id;
    const secret = `memo-${Date.now()} paid in cash`;
    const res = await admin.api.patch<{ user: { memo: string } }>(`/api/admin/users/${id}`, { memo: secret });
    expect(res.body.data!.user.memo).toBe(secret);
    const listed = await admin.api.get<{ users: { memo: string }[] }>(
      `/api/admin/users?q=${encodeURIComponent(u.email)}`,
    );
    expect(listed.body.data!.users[0].memo).toBe(secret);
    for (const answer of [
      await u.api.get('/api/auth/me'),
      await u.api.patch('/api/auth/profile', { intro: 'hi' }),
      await u.api.get('/api/admin/users'),
      await u.api.patch(`/api/admin/users/${id}`, { memo: 'mine now' }),
    ])
      expect(JSON.stringify(answer.body)).not.toContain('cash');
    const logged = await sql<{ message: string; data: unknown; source: string }>(
      `select message, data, source from server_log where data->>'userId' = $1`,
      [id],
    );
    expect(logged.map((r) => r.message)).toEqual([expect.stringContaining('memo changed')]);
    expect(logged[0].source).toBe('admin');
    expect(JSON.stringify(logged)).not.toContain('cash');
  });

  it('resets a password by mailed code: one live code per purpose, five tries, sessions revoked', async () => {
    const u = await login(t);
    const ghost = `ghost-${Date.now()}@test.yeyak`;
    const known = await anon().post('/api/auth/password-reset/request', { email: u.email }, from());
    const unknown = await anon().post('/api/auth/password-reset/request', { email: ghost }, from());
    expect(known.status).toBe(200);
    expect(unknown.body).toEqual(known.body);
    const first = await mail(u.email, /password reset code/);
    const second = await anon().post('/api/auth/password-reset/request', { email: u.email }, from());
    expect(second.status).toBe(200);
    const m2 = await mail(u.email, /password reset code/, first.id);
    const id = (await u.api.get<{ user: Me }>('/api/auth/me')).body.data!.user.id;
    // Exactly one live reset code: the second replaced the first.
    const rows = await sql<{ purpose: string }>('select purpose from verification_codes where user_id = $1', [
      id,
    ]);
    expect(rows).toEqual([{ purpose: 'reset' }]);
    const reset = (code: string, password = 'brand-new-pass') =>
      anon().post<Field>('/api/auth/password-reset', { email: u.email, code, password }, from());
    if (codeIn(first) !== codeIn(m2)) expect((await reset(codeIn(first))).status).toBe(400);
    const bad = await anon().post<Field>(
      '/api/auth/password-reset',
      { email: u.email, code: '12a', password: 'short' },
      from(),
    );
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(expect.arrayContaining(['body.code', 'body.password']));
    expect((await reset(codeIn(m2))).status).toBe(200);
    // Every session ended; the new password works, the old one does not.
    expect((await u.api.get('/api/auth/me')).status).toBe(401);
    expect(
      (await anon().post('/api/auth/login', { email: u.email, password: 'password-123' }, from())).status,
    ).toBe(401);
    expect(
      (await anon().post('/api/auth/login', { email: u.email, password: 'brand-new-pass' }, from())).status,
    ).toBe(200);
    // A used code is gone.
    expect((await reset(codeIn(m2), 'third-password')).status).toBe(400);

    // Five wrong tries spend a code, even the right one afterwards (the per-account limit of wrong
    // codes, RULES.verifyAccount, would say 429 at the same count: the tries are counted in the row).
    const v = await login(t);
    await anon().post('/api/auth/password-reset/request', { email: v.email }, from());
    const m = await mail(v.email, /password reset code/);
    const wrong = codeIn(m) === '000000' ? '111111' : '000000';
    const tryCode = (c: string) =>
      anon().post<Field>(
        '/api/auth/password-reset',
        { email: v.email, code: c, password: 'xxxxxxxx' },
        from(),
      );
    expect(paths((await tryCode(wrong)).body)).toEqual(['body.code']);
    const tries = async () =>
      (
        await sql<{ attempts: number }>(
          `select attempts from verification_codes where user_id = (select id from users where email = $1)`,
          [v.email],
        )
      )[0].attempts;
    expect(await tries()).toBe(1);
    await sql(
      `update verification_codes set attempts = 4 where user_id = (select id from users where email = $1)`,
      [v.email],
    );
    expect(paths((await tryCode(wrong)).body)).toEqual(['body.code']);
    expect(await tries()).toBe(5);
    expect((await tryCode(codeIn(m))).status).toBe(400);
    expect((await v.api.get('/api/auth/me')).status).toBe(200);
  });

  it('answers find-account the same either way and says it by mail', async () => {
    const u = await login(t);
    const ghost = `nobody-${Date.now()}@test.yeyak`;
    const a = await anon().post('/api/auth/find-account', { email: u.email }, from());
    const b = await anon().post('/api/auth/find-account', { email: ghost }, from());
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    // In the account's language (Korean by default); without an account, the asking page's.
    expect((await mail(u.email, /계정 찾기 결과/)).text).toMatch(/로그인 방법: 이메일과 비밀번호/);
    expect((await mail(ghost, /계정 찾기 결과/)).text).toMatch(/가입된 yeyak 계정은 없습니다/);
    const ghostEn = `nobody-en-${Date.now()}@test.yeyak`;
    await anon().post('/api/auth/find-account', { email: ghostEn, lang: 'en' }, from());
    expect((await mail(ghostEn, /account lookup/)).text).toMatch(/There is no yeyak account/);
    const id = (await u.api.get<{ user: Me }>('/api/auth/me')).body.data!.user.id;
    expect(await t.y.auth.signInMethodsOf(id)).toEqual(['password']);
    expect((await anon().post<Field>('/api/auth/find-account', { email: 'nope' }, from())).status).toBe(400);
  });

  it('withdraws with the password: a tombstone under the same id, and the address signs up again', async () => {
    const u = await login(t);
    const me = (await u.api.get<{ user: Me }>('/api/auth/me')).body.data!.user;
    await u.api.patch('/api/auth/profile', {
      nickname: `gone${Date.now().toString(36).slice(-5)}`,
      intro: 'bye',
    });
    await admin.api.patch(`/api/admin/users/${me.id}`, { memo: 'note' });
    const wrong = await u.api.post<Field>('/api/auth/withdraw', { password: 'not-it-at-all' });
    expect(wrong.status).toBe(400);
    expect(paths(wrong.body)).toEqual(['body.password']);
    expect(paths((await u.api.post<Field>('/api/auth/withdraw', {})).body)).toEqual(['body.password']);
    expect((await u.api.get('/api/auth/me')).status).toBe(200);

    expect((await u.api.post('/api/auth/withdraw', { password: 'password-123' })).status).toBe(200);
    expect((await u.api.get('/api/auth/me')).status).toBe(401);
    const [row] = await sql<Record<string, unknown>>(
      'select email, name, nickname, intro, admin_memo, state, password_hash from users where id = $1',
      [me.id],
    );
    expect(row).toEqual({
      email: `withdrawn+${me.id}@invalid`,
      name: '',
      nickname: null,
      intro: '',
      admin_memo: '',
      state: 'withdrawn',
      password_hash: expect.not.stringMatching(/^scrypt/),
    });
    // Rows kept elsewhere still point at the same id (here: the server log's row of the withdrawal).
    const logged = await sql('select 1 from server_log where actor_id = $1', [me.id]);
    expect(logged.length).toBeGreaterThan(0);
    expect(
      (await anon().post('/api/auth/login', { email: u.email, password: 'password-123' }, from())).status,
    ).toBe(401);
    // The tombstone address is no address: nothing logs in with it either.
    const tomb = await anon().post(
      '/api/auth/login',
      { email: `withdrawn+${me.id}@invalid`, password: 'x' },
      from(),
    );
    expect(tomb.status).toBeGreaterThanOrEqual(400);
    expect(tomb.status).toBeLessThan(500);
    // An admin can neither bring it back nor withdraw someone.
    const back = await admin.api.patch<Field>(`/api/admin/users/${me.id}`, { state: 'active' });
    expect(paths(back.body)).toEqual(['body.state']);

    // The same address is free again: a new account, a new id.
    expect(
      (await anon().post('/api/auth/signup', { email: u.email, password: 'another-pass' }, from())).status,
    ).toBe(201);
    const code = codeIn(await mail(u.email, /verification code/));
    const verified = await anon().post<{ user: Me }>('/api/auth/verify', { email: u.email, code }, from());
    expect(verified.status).toBe(200);
    expect(verified.body.data!.user.id).not.toBe(me.id);
  });

  it('withdraws an account without a password by a mailed code', async () => {
    const u = await login(t);
    const me = (await u.api.get<{ user: Me }>('/api/auth/me')).body.data!.user;
    // As an account made by a social login has it: no usable password.
    await sql(`update users set password_hash = '' where id = $1`, [me.id]);
    expect(await t.y.auth.signInMethodsOf(me.id)).toEqual([]);
    const noCode = await u.api.post<Field>('/api/auth/withdraw', { password: 'anything' });
    expect(paths(noCode.body)).toEqual(['body.code']);
    expect((await u.api.post('/api/auth/withdraw/code')).status).toBe(200);
    const code = codeIn(await mail(me.email, /account deletion code/));
    const wrong = code === '000000' ? '111111' : '000000';
    expect(paths((await u.api.post<Field>('/api/auth/withdraw', { code: wrong })).body)).toEqual([
      'body.code',
    ]);
    expect((await u.api.post('/api/auth/withdraw', { code })).status).toBe(200);
    expect((await sql('select state from users where id = $1', [me.id]))[0]).toEqual({ state: 'withdrawn' });
  });

  it('limits routes that declare a rule: per client address, and per user', async () => {
    const ip = from();
    for (let i = 0; i < RULES.accountMailAddress.limit; i++) {
      const r = await anon().post('/api/auth/find-account', { email: `many-${i}-${Date.now()}@t.test` }, ip);
      expect(r.status).toBe(i < RULES.codeMailAccount.limit * 100 ? 200 : 429);
    }
    const res = await anon().raw('/api/auth/find-account', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ip },
      body: JSON.stringify({ email: `one-more-${Date.now()}@t.test` }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is not limited by it.
    expect(
      (await anon().post('/api/auth/find-account', { email: `x-${Date.now()}@t.test` }, from())).status,
    ).toBe(200);

    const a = await login(t);
    const b = await login(t);
    const aId = (await a.api.get<{ user: Me }>('/api/auth/me')).body.data!.user.id;
    const limiter = rateLimiter(t.y.ctx.database);
    for (let i = 0; i < RULES.profileUser.limit; i++) await limiter.hit(RULES.profileUser, `user:${aId}`);
    const over = await a.api.patch<Field>('/api/auth/profile', { intro: 'too many' });
    expect(over.status).toBe(429);
    expect(over.body.data!.retryAfter).toBeGreaterThan(0);
    expect((await a.api.get<{ user: Me }>('/api/auth/me')).body.data!.user.intro).toBe('');
    expect((await b.api.patch('/api/auth/profile', { intro: 'fine' })).status).toBe(200);
  });

  it('knows the counselor role: CLI-made, guarded, searchable, and no admin', async () => {
    const c = await login(t, 'user');
    const id = (await c.api.get<{ user: Me }>('/api/auth/me')).body.data!.user.id;
    const made = await admin.api.patch<{ user: Me }>(`/api/admin/users/${id}`, { role: 'counselor' });
    expect(made.body.data!.user.role).toBe('counselor');
    expect((await c.api.get<{ user: Me }>('/api/auth/me')).body.data!.user.role).toBe('counselor');
    expect((await c.api.get('/api/admin/users')).status).toBe(403);
    const req = { headers: { authorization: `Bearer ${c.token}` } } as unknown as FastifyRequest;
    expect((await t.y.auth.require(req, ['counselor'])).id).toBe(id);
    await expect(
      t.y.auth.require({ ...req } as FastifyRequest, ['organizer', 'admin']),
    ).rejects.toMatchObject({
      status: 403,
    });
    const found = await admin.api.get<{ users: { id: string }[]; total: number }>(
      '/api/admin/users?role=counselor&state=active&pageSize=100',
    );
    expect(found.body.data!.users.map((u) => u.id)).toContain(id);
    expect((await admin.api.get<Field>('/api/admin/users?role=king')).status).toBe(400);
    expect((await admin.api.get<Field>('/api/admin/users?state=gone')).status).toBe(400);
    await sleep(0);
  });

  it('lets an admin search by nickname and state, suspend, and revoke sessions, each logged', async () => {
    const u = await login(t);
    const id = (await u.api.get<{ user: Me }>('/api/auth/me')).body.data!.user.id;
    const nick = `Srch${Date.now().toString(36).slice(-6)}`;
    await u.api.patch('/api/auth/profile', { nickname: nick });
    const byNick = await admin.api.get<{ users: { id: string }[] }>(
      `/api/admin/users?q=${nick.toLowerCase()}`,
    );
    expect(byNick.body.data!.users.map((x) => x.id)).toEqual([id]);
    const revoked = await admin.api.post<{ revoked: number }>(`/api/admin/users/${id}/revoke-sessions`);
    expect(revoked.body.data!.revoked).toBe(1);
    expect((await u.api.get('/api/auth/me')).status).toBe(401);
    const s = await admin.api.patch<{ user: { state: string; disabled: boolean } }>(
      `/api/admin/users/${id}`,
      {
        state: 'suspended',
      },
    );
    expect(s.body.data!.user).toMatchObject({ state: 'suspended', disabled: true });
    const suspended = await admin.api.get<{ users: { id: string }[] }>(
      `/api/admin/users?state=suspended&q=${nick}`,
    );
    expect(suspended.body.data!.users.map((x) => x.id)).toEqual([id]);
    const badState = await admin.api.patch<Field>(`/api/admin/users/${id}`, { state: 'withdrawn' });
    expect(paths(badState.body)).toEqual(['body.state']);
    const log = await sql<{ message: string }>(
      `select message from server_log where source = 'admin' and data->>'userId' = $1 order by id`,
      [id],
    );
    expect(log.map((r) => r.message)).toEqual([
      expect.stringContaining('1 session(s) revoked'),
      expect.stringContaining('state active → suspended'),
    ]);
  });
});
