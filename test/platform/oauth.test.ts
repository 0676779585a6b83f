import { eq, sql } from 'drizzle-orm';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIn } from '../../sims/standins.ts';
import { APPLE_SECRET_LIFETIME_S, AppleClientSecret } from '../../src/platform/oauth/apple-secret.ts';
import { identitiesOf } from '../../src/platform/oauth/index.ts';
import { oauthHandoffs, oauthPendingLinks, userIdentities } from '../../src/platform/oauth/schema.ts';
import { users } from '../../src/platform/schema.ts';
import { backends, client, eventually, startApp, type TestApp } from '../helpers.ts';
import { ACCOUNT, callBack, consent, signIn, standInConfig, writeP8 } from './oauth-flow.ts';

/**
 * Social sign-in against the stand-in in sims/oauth (its own port, as `yeyak sim oauth` runs it):
 * the three providers' wire formats end to end, and every refusal — a 4xx envelope, nothing
 * changed, a server-log row with source `oauth`.
 */

let sim: Awaited<ReturnType<typeof startStandIn>>;
let p8: string;

beforeAll(async () => {
  p8 = await writeP8();
});

describe.each(backends)('social sign-in (%s)', (backend) => {
  let t: TestApp;

  beforeAll(async () => {
    // One stand-in per database: it remembers (as Apple does) which accounts it sent the name for.
    sim = await startStandIn('oauth');
    t = await startApp(backend, { oauth: standInConfig(sim.url, p8) });
    // The callback address is built from PUBLIC_URL; this test's server listens on a free port.
    t.config.publicUrl = t.url;
  }, 180_000);
  afterAll(async () => {
    await t?.stop();
    await sim?.close();
  });

  const db = () => t.y.ctx.database.db;
  const count = async (table: typeof users | typeof userIdentities) =>
    Number((await db().select({ n: sql<number>`count(*)` }).from(table))[0].n);
  const oauthLog = async () =>
    (await t.y.ctx.serverLog.search({ source: 'oauth', limit: 100 })).rows.map((r) => r.message);

  it('lists the configured providers', async () => {
    const r = await client(t.url).get<{ providers: { provider: string }[] }>('/api/auth/oauth/providers');
    expect(r.body.data!.providers.map((p) => p.provider)).toEqual(['kakao', 'naver', 'apple']);
  });

  it('Kakao: a first sign-in makes a verified account; the next one finds it', async () => {
    const first = await signIn(t.url, 'kakao', { account: ACCOUNT.kakao.id, next: '/events?x=1' });
    expect(first.back.status).toBe(303);
    expect(first.back.location).toMatch(/^\/login\/oauth\?handoff=/);
    expect(first.handoff!.status).toBe(200);
    const d = first.handoff!.body.data!;
    expect(d.next).toBe('/events?x=1');
    expect(d.user).toMatchObject({ email: ACCOUNT.kakao.email, name: '김민준', verified: true });
    const me = await client(t.url, d.token).get<{ user: { id: string } }>('/api/auth/me');
    expect(me.body.data!.user.id).toBe(d.user.id);
    const again = await signIn(t.url, 'kakao', { account: ACCOUNT.kakao.id });
    expect(again.handoff!.body.data!.user.id).toBe(d.user.id);
    expect(again.handoff!.body.data!.next).toBe('/');
    expect(await identitiesOf(db(), d.user.id)).toEqual(['kakao']);
    // The account has no usable password.
    const pw = await client(t.url).post('/api/auth/login', {
      email: ACCOUNT.kakao.email,
      password: '!social-login',
    });
    expect(pw.status).toBe(401);
  });

  it('Kakao without an e-mail: an account on a placeholder address that receives nothing', async () => {
    const r = await signIn(t.url, 'kakao', { account: ACCOUNT.kakaoNoEmail.id });
    expect(r.handoff!.status).toBe(200);
    expect(r.handoff!.body.data!.user.email).toMatch(/^kakao-[a-z0-9_-]{16}@social\.yeyak\.invalid$/);
    expect(r.handoff!.body.data!.user.verified).toBe(false);
  });

  it('Naver: the profile API gives the identity (expires_in comes as a string)', async () => {
    const r = await signIn(t.url, 'naver', { account: ACCOUNT.naver.id });
    expect(r.handoff!.status).toBe(200);
    // Naver does not say the address is verified.
    expect(r.handoff!.body.data!.user).toMatchObject({
      email: ACCOUNT.naver.email,
      name: '박지훈',
      verified: false,
    });
  });

  it('an identity that never proved its address stops opening the account once someone signs up with it', async () => {
    // The Naver test above made an account on Naver's word for the address (unverified).
    const signup = await client(t.url).post('/api/auth/signup', {
      email: ACCOUNT.naver.email,
      password: 'owner-pass-123',
    });
    expect(signup.status).toBe(201);
    const r = await signIn(t.url, 'naver', { account: ACCOUNT.naver.id });
    // Naver no longer signs straight in: the account (now someone else's claim) must prove itself.
    expect(r.handoff!.status).toBe(409);
    expect(r.handoff!.body.data).toMatchObject({ reason: 'link_required', methods: ['code'] });
  });

  it('Apple: form_post callback, the name kept from the first one, private relay addresses accepted', async () => {
    const first = await consent(t.url, 'apple', { account: ACCOUNT.appleRelay.id });
    expect(first.callback.method).toBe('POST');
    expect(first.callback.form!.user).toContain('서준');
    const back = await callBack(t.url, first.callback, 'text/html');
    const h = await client(t.url).post<{ token: string; user: { id: string; name: string; email: string } }>(
      '/api/auth/oauth/handoff',
      { handoff: back.handoff, binding: first.binding },
    );
    expect(h.status).toBe(200);
    expect(h.body.data!.user).toMatchObject({ name: '최서준', email: ACCOUNT.appleRelay.email });
    // Apple sends the name only once; the second sign-in still finds the same account and name.
    const second = await consent(t.url, 'apple', { account: ACCOUNT.appleRelay.id });
    expect(second.callback.form!.user).toBeUndefined();
    const back2 = await callBack(t.url, second.callback);
    const h2 = await client(t.url).post<{ user: { id: string; name: string } }>('/api/auth/oauth/handoff', {
      handoff: back2.handoff,
      binding: second.binding,
    });
    expect(h2.body.data!.user).toMatchObject({ id: h.body.data!.user.id, name: '최서준' });
    // One client secret served both token requests.
    expect(t.y.social.oauth.clients.appleSecret()!.signed).toBe(1);
  });

  it('consent denied: 400 access_denied for API clients, the sign-in page for browsers', async () => {
    const before = await count(users);
    const api = await consent(t.url, 'kakao', { deny: true });
    const r = await callBack(t.url, api.callback);
    expect(r.status).toBe(400);
    expect(r.body!.data).toMatchObject({ reason: 'access_denied' });
    const browser = await consent(t.url, 'naver', { deny: true });
    const page = await callBack(t.url, browser.callback, 'text/html,application/xhtml+xml');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/login/oauth?error=access_denied&provider=naver');
    const apple = await consent(t.url, 'apple', { deny: true });
    expect((await callBack(t.url, apple.callback)).body!.data).toMatchObject({ reason: 'access_denied' });
    expect(await count(users)).toBe(before);
  });

  it('forged and reused state: 400 naming query.state, nothing made, logged', async () => {
    const before = await count(users);
    const c = await consent(t.url, 'kakao', { account: ACCOUNT.kakao.id });
    const forged = new URL(c.callback.url);
    forged.searchParams.set('state', 'forged-state-value-123456');
    const r = await callBack(t.url, { method: 'GET', url: forged.href });
    expect(r.status).toBe(400);
    expect(r.body!.data!.errors).toEqual([expect.objectContaining({ path: 'query.state' })]);
    const ok = await callBack(t.url, c.callback);
    expect(ok.status).toBe(303);
    const reused = await callBack(t.url, c.callback);
    expect(reused.status).toBe(400);
    expect(reused.body!.data).toMatchObject({ reason: 'state' });
    expect(reused.body).toMatchObject({ key: 'oauth.state' });
    // A state started for Kakao does not serve Naver's callback either.
    const other = await consent(t.url, 'kakao', { account: ACCOUNT.kakao.id });
    const swapped = other.callback.url.replace('/kakao/callback', '/naver/callback');
    expect((await callBack(t.url, { method: 'GET', url: swapped })).status).toBe(400);
    expect(await count(users)).toBe(before);
    expect((await oauthLog()).filter((m) => m.includes('(state)')).length).toBeGreaterThanOrEqual(3);
  });

  it('a code used twice: the provider answers invalid_grant, yeyak a 400', async () => {
    const c = await consent(t.url, 'naver', { account: ACCOUNT.naver.id });
    expect((await callBack(t.url, c.callback)).status).toBe(303);
    // The same code under a fresh state (so only the code is stale).
    const fresh = await consent(t.url, 'naver', { account: ACCOUNT.naver.id });
    const replay = new URL(fresh.callback.url);
    replay.searchParams.set('code', new URL(c.callback.url).searchParams.get('code')!);
    const r = await callBack(t.url, { method: 'GET', url: replay.href });
    expect(r.status).toBe(400);
    expect(r.body!.data).toMatchObject({ reason: 'invalid_grant' });
    expect(r.body).toMatchObject({ key: 'oauth.invalid_grant', params: { provider: 'naver' } });
    expect((await oauthLog()).some((m) => m.includes('(invalid_grant)'))).toBe(true);
  });

  it.each([
    ['kakao', 'iss', 'issuer'],
    ['kakao', 'aud', 'audience'],
    ['kakao', 'nonce', 'nonce'],
    ['kakao', 'exp', 'expired'],
    ['kakao', 'key', 'signature'],
    ['kakao', 'sub', 'subject'],
    ['apple', 'iss', 'issuer'],
    ['apple', 'aud', 'audience'],
    ['apple', 'nonce', 'nonce'],
    ['apple', 'exp', 'expired'],
    ['apple', 'key', 'signature'],
  ] as const)('%s id_token with a bad %s is refused (%s)', async (provider, tamper, reason) => {
    const before = [await count(users), await count(userIdentities)];
    const account = provider === 'kakao' ? ACCOUNT.kakao.id : ACCOUNT.apple.id;
    const c = await consent(t.url, provider, { account, tamper });
    const r = await callBack(t.url, c.callback);
    expect(r.status).toBe(400);
    expect(r.body!.data).toMatchObject({ reason: `id_token_${reason}` });
    expect([await count(users), await count(userIdentities)]).toEqual(before);
    expect((await oauthLog()).some((m) => m.includes(`(id_token_${reason})`))).toBe(true);
  });

  it('handoff codes: forged, reused, expired and wrong binding are refused; a wrong binding changes nothing', async () => {
    const c = await consent(t.url, 'kakao', { account: ACCOUNT.kakao.id });
    const back = await callBack(t.url, c.callback);
    const api = client(t.url);
    const forged = await api.post('/api/auth/oauth/handoff', { handoff: 'x'.repeat(43), binding: c.binding });
    expect(forged.status).toBe(400);
    expect(forged.body.data).toMatchObject({ reason: 'handoff' });
    const wrong = await api.post('/api/auth/oauth/handoff', {
      handoff: back.handoff,
      binding: 'y'.repeat(43),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.data).toMatchObject({ reason: 'binding', errors: [{ path: 'body.binding' }] });
    const good = await api.post('/api/auth/oauth/handoff', { handoff: back.handoff, binding: c.binding });
    expect(good.status).toBe(200);
    const reused = await api.post('/api/auth/oauth/handoff', { handoff: back.handoff, binding: c.binding });
    expect(reused.status).toBe(400);
    // Expired: the 60 s are over.
    const c2 = await consent(t.url, 'kakao', { account: ACCOUNT.kakao.id });
    const back2 = await callBack(t.url, c2.callback);
    await db()
      .update(oauthHandoffs)
      .set({ expiresAt: new Date(Date.now() - 1000) });
    const late = await api.post('/api/auth/oauth/handoff', { handoff: back2.handoff, binding: c2.binding });
    expect(late.status).toBe(400);
    expect(late.body.data).toMatchObject({ reason: 'handoff' });
    const log = await oauthLog();
    expect(log.some((m) => m.includes('(binding)'))).toBe(true);
    expect(log.filter((m) => m.includes('(handoff)')).length).toBeGreaterThanOrEqual(3);
  });

  it('an e-mail of an existing account links only after the account proves itself (password)', async () => {
    // The earlier Naver test made an account for this identity: start from a clean slate.
    await db().delete(userIdentities).where(eq(userIdentities.provider, 'naver'));
    await db().delete(users).where(eq(users.email, ACCOUNT.naver.email!));
    // The address in another case: the match ignores case.
    const owner = await t.y.auth.addUser({
      email: ACCOUNT.naver.email!.toUpperCase(),
      password: 'password-123',
      role: 'user',
    });
    const r = await signIn(t.url, 'naver', { account: ACCOUNT.naver.id, next: '/mailbox' });
    expect(r.handoff!.status).toBe(409);
    const d = r.handoff!.body.data!;
    expect(d).toMatchObject({ reason: 'link_required', methods: ['password', 'code'], provider: 'naver' });
    expect(d.token).toBeUndefined();
    expect(await identitiesOf(db(), owner.id)).toEqual([]);
    expect((await oauthLog()).some((m) => m.includes('(link_required)'))).toBe(true);
    const api = client(t.url);
    const bad = await api.post('/api/auth/oauth/link/confirm', {
      link: d.link,
      binding: r.binding,
      password: 'not-it-123',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.data).toMatchObject({ reason: 'link_proof', errors: [{ path: 'body.password' }] });
    expect(await identitiesOf(db(), owner.id)).toEqual([]);
    const stranger = await api.post('/api/auth/oauth/link/confirm', {
      link: d.link,
      binding: 'z'.repeat(43),
      password: 'password-123',
    });
    expect(stranger.status).toBe(400);
    expect(await identitiesOf(db(), owner.id)).toEqual([]);
    const good = await api.post<{ token: string; user: { id: string }; next: string }>(
      '/api/auth/oauth/link/confirm',
      {
        link: d.link,
        binding: r.binding,
        password: 'password-123',
      },
    );
    expect(good.status).toBe(200);
    expect(good.body.data).toMatchObject({ user: { id: owner.id }, next: '/mailbox' });
    expect(await identitiesOf(db(), owner.id)).toEqual(['naver']);
    // From now on Naver signs straight in to that account.
    const again = await signIn(t.url, 'naver', { account: ACCOUNT.naver.id });
    expect(again.handoff!.body.data!.user.id).toBe(owner.id);
  });

  it('…or with a code mailed to the account; five wrong tries end the request', async () => {
    const owner = await t.y.auth.addUser({
      email: ACCOUNT.apple.email!,
      password: 'password-123',
      role: 'user',
    });
    // Never verified: whoever set its password never showed they own the address, so only the code counts.
    await db().update(users).set({ verifiedAt: null }).where(eq(users.id, owner.id));
    const r = await signIn(t.url, 'apple', { account: ACCOUNT.apple.id });
    expect(r.handoff!.status).toBe(409);
    expect(r.handoff!.body.data!.methods).toEqual(['code']);
    const link = r.handoff!.body.data!.link as string;
    const byPassword = await client(t.url).post('/api/auth/oauth/link/confirm', {
      link,
      binding: r.binding,
      password: 'password-123',
    });
    expect(byPassword.status).toBe(400);
    const api = client(t.url);
    const sent = await api.post('/api/auth/oauth/link/code', { link, binding: r.binding });
    expect(sent.status).toBe(200);
    const mail = await eventually(async () => (await t.y.ctx.mailbox.list({ onlyTo: owner.email }))[0]);
    const code = /(\d{6})/.exec(mail.subject)![1];
    // In the account's language (Korean by default), the provider named as a Korean reader says it.
    expect(mail.subject).toMatch(/^\[yeyak\] (카카오|네이버|Apple) 연결 코드 \d{6}$/);
    const wrong = code === '000000' ? '111111' : '000000';
    // The password above was try 1; three wrong codes make 4; the right one is the fifth and last.
    for (let i = 0; i < 3; i++) {
      const w = await api.post('/api/auth/oauth/link/confirm', { link, binding: r.binding, code: wrong });
      expect(w.status).toBe(400);
    }
    const good = await api.post<{ user: { id: string; name: string } }>('/api/auth/oauth/link/confirm', {
      link,
      binding: r.binding,
      code,
    });
    expect(good.status).toBe(200);
    expect(await identitiesOf(db(), owner.id)).toEqual(['apple']);
    // The code verified the address and retired the unproven password.
    const [row] = await db().select().from(users).where(eq(users.id, owner.id));
    expect(row.verifiedAt).not.toBeNull();
    expect((await api.post('/api/auth/login', { email: owner.email, password: 'password-123' })).status).toBe(
      401,
    );

    // Another pending link: five wrong codes and it is gone, nothing linked.
    const other = await t.y.auth.addUser({
      email: ACCOUNT.kakao.email!,
      password: 'password-123',
      role: 'user',
    });
    await db().delete(userIdentities).where(eq(userIdentities.provider, 'kakao'));
    const r2 = await signIn(t.url, 'kakao', { account: ACCOUNT.kakao.id });
    const link2 = r2.handoff!.body.data!.link as string;
    await api.post('/api/auth/oauth/link/code', { link: link2, binding: r2.binding });
    for (let i = 0; i < 5; i++) {
      await api.post('/api/auth/oauth/link/confirm', { link: link2, binding: r2.binding, code: '999999' });
    }
    expect(await db().select().from(oauthPendingLinks).where(eq(oauthPendingLinks.id, link2))).toHaveLength(
      0,
    );
    const after = await api.post('/api/auth/oauth/link/confirm', {
      link: link2,
      binding: r2.binding,
      code: '999999',
    });
    expect(after.status).toBe(400);
    expect(await identitiesOf(db(), other.id)).toEqual([]);
  });

  it('bad input to the routes names the field', async () => {
    const api = client(t.url);
    expect((await api.post('/api/auth/oauth/github/start', {})).status).toBe(400);
    const h = await api.post('/api/auth/oauth/handoff', { handoff: 'short', binding: 'also' });
    expect(h.status).toBe(400);
    const both = await api.post('/api/auth/oauth/link/confirm', {
      link: '00000000-0000-4000-8000-000000000000',
      binding: 'b'.repeat(43),
    });
    expect(both.status).toBe(400);
    // The JSON API takes no forms; only Apple's callback does.
    const form = await api.raw('/api/auth/oauth/handoff', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'handoff=x&binding=y',
    });
    expect(form.status).toBe(415);
  });
});

describe('Apple client secret', () => {
  it('is signed once, reused, and renewed before it expires', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { privateKey } = await generateKeyPair('ES256');
    const s = new AppleClientSecret({
      teamId: 'T',
      keyId: 'K',
      clientId: 'c',
      audience: 'https://appleid.apple.com',
      key: privateKey,
      now: () => now,
    });
    const a = await s.current();
    now += 3600_000;
    expect(await s.current()).toBe(a);
    now = Date.parse('2026-01-01T00:00:00Z') + (APPLE_SECRET_LIFETIME_S - 1800) * 1000;
    const b = await s.current();
    expect(b).not.toBe(a);
    expect(s.signed).toBe(2);
  });
});
