import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush, { type RequestDetails } from 'web-push';
import type { FcmReceived, WebPushReceived } from '../../sims/push/index.ts';
import { startStandIn } from '../../sims/standins.ts';
import { loadConfig } from '../../src/config.ts';
import { next8Kst, quietHours, SIM_FCM_TOKEN } from '../../src/platform/push/index.ts';
import { pushDevices } from '../../src/platform/push/schema.ts';
import { backends, client, login, startApp, type TestApp } from '../helpers.ts';

type Device = { id: string; kind: string; hint: string };
type Consents = Record<'push' | 'marketing' | 'night', { given: boolean; at: string | null }>;
type Received = { fcm: FcmReceived[]; webpush: WebPushReceived[]; refused: { why: string }[] };

const token = (tag: string) => `${tag}-${crypto.randomUUID()}:APA91b${'x'.repeat(100)}`;

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('push KST quiet hours', () => {
  it('21:00–08:00 Korea time is quiet, and the next 08:00 KST is found from either side of midnight', () => {
    expect(quietHours(new Date('2026-12-03T11:59:00Z'))).toBe(false); // 20:59 KST
    expect(quietHours(new Date('2026-12-03T12:00:00Z'))).toBe(true); // 21:00 KST
    expect(quietHours(new Date('2026-12-03T22:59:00Z'))).toBe(true); // 07:59 KST next day
    expect(quietHours(new Date('2026-12-03T23:00:00Z'))).toBe(false); // 08:00 KST
    expect(next8Kst(new Date('2026-12-03T13:00:00Z')).toISOString()).toBe('2026-12-03T23:00:00.000Z');
    expect(next8Kst(new Date('2026-12-03T16:00:00Z')).toISOString()).toBe('2026-12-03T23:00:00.000Z');
  });
});

describe.each(backends)('push devices, consents and delivery (%s)', (backend) => {
  let t: TestApp;
  let sim: { url: string; close: () => Promise<unknown> };
  const simApi = () => client(sim.url);
  const received = async () => (await simApi().get<Received>('/received')).body as unknown as Received;
  const fcmTo = async (tok: string) => (await received()).fcm.filter((m) => m.token === tok);

  beforeAll(async () => {
    sim = await startStandIn('push');
    const base = loadConfig({}).push;
    t = await startApp(backend, {
      push: {
        ...base,
        fcm: { projectId: 'test-proj', apiUrl: sim.url, accessToken: SIM_FCM_TOKEN },
        simUrl: sim.url,
        concurrency: 8,
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await sim?.close();
  });

  const newSubscription = async () =>
    (await simApi().post<never>('/subscriptions')).body as unknown as {
      endpoint: string;
      keys: { p256dh: string; auth: string };
    };
  const deviceCount = async () =>
    (await t.y.ctx.database.db.select({ n: sql<number>`count(*)::int` }).from(pushDevices))[0].n;

  it('answers the VAPID public key for the page', async () => {
    const r = await client(t.url).get<{ publicKey: string }>('/api/push/vapid-key');
    expect(r.status).toBe(200);
    expect(r.body.data?.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
  });

  it('refuses a bad registration naming the field, and stores nothing', async () => {
    const { api } = await login(t);
    const before = await deviceCount();
    const sub = await newSubscription();
    const cases: [unknown, string][] = [
      [{ kind: 'fcm', token: 'short' }, 'body.token'],
      [{ kind: 'fcm', token: `${'a'.repeat(40)} <script>` }, 'body.token'],
      [
        { kind: 'webpush', subscription: { ...sub, endpoint: 'http://push.example.com/x' } },
        'body.subscription.endpoint',
      ],
      [
        { kind: 'webpush', subscription: { ...sub, endpoint: 'https://10.0.0.7/wp/1' } },
        'body.subscription.endpoint',
      ],
      [
        { kind: 'webpush', subscription: { ...sub, endpoint: 'https://169.254.169.254/wp/1' } },
        'body.subscription.endpoint',
      ],
      [
        {
          kind: 'webpush',
          subscription: { ...sub, keys: { ...sub.keys, p256dh: sub.keys.p256dh.slice(0, 43) } },
        },
        'body.subscription.keys.p256dh',
      ],
      [
        { kind: 'webpush', subscription: { ...sub, keys: { ...sub.keys, auth: 'AAAA' } } },
        'body.subscription.keys.auth',
      ],
      [{ kind: 'carrier-pigeon', token: 'x' }, 'body.kind'],
    ];
    for (const [body, path] of cases) {
      const r = await api.post<{ errors: { path: string }[] }>('/api/push/devices', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(r.body), path).toContain(path);
    }
    // Each refusal carries its message code, so the app words it in the reader's language.
    const fcm = await api.post('/api/push/devices', { kind: 'fcm', token: 'short' });
    expect(fcm.body).toMatchObject({ key: 'push.fcm_token', data: { errors: [{ key: 'push.fcm_token' }] } });
    expect(await deviceCount()).toBe(before);
    expect((await api.get<{ devices: Device[] }>('/api/push/devices')).body.data?.devices).toEqual([]);
    expect(
      (await client(t.url).post('/api/push/devices', { kind: 'fcm', token: token('anon') })).status,
    ).toBe(401);
  });

  it('keeps one row per token: registering it again moves it to the current user', async () => {
    const a = await login(t);
    const b = await login(t);
    const tok = token('shared');
    const first = await a.api.post<{ device: Device }>('/api/push/devices', {
      kind: 'fcm',
      token: tok,
      label: 'Android',
    });
    expect(first.status).toBe(201);
    expect((await a.api.post('/api/push/devices', { kind: 'fcm', token: tok })).status).toBe(201);
    expect((await a.api.get<{ devices: Device[] }>('/api/push/devices')).body.data?.devices).toHaveLength(1);
    expect((await b.api.post('/api/push/devices', { kind: 'fcm', token: tok })).status).toBe(201);
    expect((await a.api.get<{ devices: Device[] }>('/api/push/devices')).body.data?.devices).toEqual([]);
    const mine = (await b.api.get<{ devices: Device[] }>('/api/push/devices')).body.data?.devices ?? [];
    expect(mine).toHaveLength(1);
    // Someone else's device is "not found"; the owner removes it.
    expect((await a.api.del(`/api/push/devices/${mine[0].id}`)).status).toBe(404);
    expect((await b.api.del(`/api/push/devices/${mine[0].id}`)).status).toBe(200);
    expect((await b.api.get<{ devices: Device[] }>('/api/push/devices')).body.data?.devices).toEqual([]);
  });

  it("does not send a user's notice to a device someone else registered since it was queued", async () => {
    const a = await login(t);
    const b = await login(t);
    const tok = token('moved');
    const reg = await a.api.post<{ device: Device }>('/api/push/devices', { kind: 'fcm', token: tok });
    const idOf = async (x: typeof a) =>
      (await x.api.get<{ user: { id: string } }>('/api/auth/me')).body.data?.user.id as string;
    await a.api.put('/api/me/consents', { push: true });
    await b.api.put('/api/me/consents', { push: true });
    await b.api.post('/api/push/devices', { kind: 'fcm', token: tok });
    const job = { devices: [reg.body.data?.device.id as string], round: 0, userId: await idOf(a) };
    const payload = { kind: 'notice', title: "a's booking", body: 'private' };
    expect(await t.y.ctx.push.runBatch({ ...job, payload })).toMatchObject({ sent: 0 });
    expect(await t.y.ctx.push.runBatch({ ...job, payload, userId: await idOf(b) })).toMatchObject({
      sent: 1,
    });
  });

  it('records each consent with its time and confirms a change by mail in the user language', async () => {
    const u = await login(t);
    const none = await u.api.get<{ consents: Consents }>('/api/me/consents');
    expect(none.body.data?.consents).toEqual({
      push: { given: false, at: null },
      marketing: { given: false, at: null },
      night: { given: false, at: null },
    });
    const put = await u.api.put<{ consents: Consents }>('/api/me/consents', { push: true, marketing: true });
    expect(put.status).toBe(200);
    const c = put.body.data?.consents as Consents;
    expect(c.push.given && c.marketing.given && !c.night.given).toBe(true);
    expect(Date.now() - Date.parse(c.push.at as string)).toBeLessThan(10_000);
    const mails = await until('the consent mail', async () => {
      const m = await t.y.ctx.mailbox.list({ onlyTo: u.email });
      return m.length ? m : undefined;
    });
    expect(mails[0].subject).toBe('[yeyak] 수신 동의 변경 안내');
    // The same value again changes nothing: no new time, no new mail.
    const again = await u.api.put<{ consents: Consents }>('/api/me/consents', { push: true });
    expect(again.body.data?.consents.push.at).toBe(c.push.at);
    // An English reader gets the next confirmation in English only.
    expect((await u.api.patch('/api/auth/profile', { lang: 'en' })).status).toBe(200);
    const withdrawn = await u.api.put<{ consents: Consents }>('/api/me/consents', { marketing: false });
    expect(withdrawn.body.data?.consents.marketing).toMatchObject({ given: false });
    await until(
      'the second mail',
      async () => (await t.y.ctx.mailbox.list({ onlyTo: u.email })).length === 2,
    );
    const raw = (
      await t.y.ctx.mailbox.raw((await t.y.ctx.mailbox.list({ onlyTo: u.email }))[0].id)
    ).toString();
    expect(raw).toMatch(/withdrawn/);
    expect(raw).toMatch(/Subject: \[yeyak\] Your consent changed/);
    expect((await u.api.put('/api/me/consents', {})).status).toBe(400);
    expect((await u.api.put('/api/me/consents', { push: 'yes' })).status).toBe(400);
  });

  it('sends a module notice through the push channel once per event, only with push consent', async () => {
    const u = await login(t);
    const tok = token('notice');
    expect((await u.api.post('/api/push/devices', { kind: 'fcm', token: tok })).status).toBe(201);
    const id = (await client(t.url, u.token).get<{ user: { id: string } }>('/api/auth/me')).body.data?.user
      .id as string;
    const message = { title: '예약 확정 / Booked', lines: ['3일 19:00'], link: '/tickets/1' };
    const no = await t.y.ctx.notify.deliver(crypto.randomUUID(), id, ['push'], message, {
      scope: 'test-push',
    });
    expect(no).toEqual([{ channel: 'push', status: 'not_set_up' }]);
    await u.api.put('/api/me/consents', { push: true });
    const eventId = crypto.randomUUID();
    const yes = await t.y.ctx.notify.deliver(eventId, id, ['inapp', 'push'], message, { scope: 'test-push' });
    expect(yes.map((d) => d.status)).toEqual(['sent', 'sent']);
    const got = await until('the FCM message', async () => {
      const m = await fcmTo(tok);
      return m.length ? m : undefined;
    });
    expect(got[0].project).toBe('test-proj');
    expect(got[0].message).toMatchObject({
      token: tok,
      notification: { title: message.title, body: '3일 19:00' },
      data: { link: '/tickets/1', kind: 'test-push' },
    });
    const twice = await t.y.ctx.notify.deliver(eventId, id, ['push'], message, { scope: 'test-push' });
    expect(twice).toEqual([{ channel: 'push', status: 'already' }]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await fcmTo(tok)).toHaveLength(1);
  });

  it('delivers Web Push encrypted and VAPID-signed; the stand-in decrypts it', async () => {
    const u = await login(t);
    const sub = await newSubscription();
    const reg = await u.api.post<{ device: Device }>('/api/push/devices', {
      kind: 'webpush',
      subscription: sub,
    });
    expect(reg.status).toBe(201);
    const id = (await u.api.get<{ user: { id: string } }>('/api/auth/me')).body.data?.user.id as string;
    await u.api.put('/api/me/consents', { push: true });
    expect(
      await t.y.ctx.push.toUser(id, { title: '웹 푸시 / Web push', body: 'hello', link: '/notifications' }),
    ).toBe(true);
    const subId = sub.endpoint.split('/').at(-1);
    const got = await until('the Web Push message', async () => {
      const m = (await received()).webpush.filter((w) => w.subscription === subId);
      return m.length ? m : undefined;
    });
    expect(got[0].payload).toEqual({
      kind: 'notice',
      title: '웹 푸시 / Web push',
      body: 'hello',
      link: '/notifications',
    });
    expect(got[0].subject).toMatch(/^mailto:/);
    expect(got[0].ttl).toBeGreaterThan(0);
    // A subscription the push service calls gone (410) is deleted.
    await simApi().put(`/control/webpush/${subId}`, { mode: 'gone' });
    await t.y.ctx.push.toUser(id, { title: 'again', body: 'x' });
    await until(
      'the subscription removed',
      async () =>
        ((await u.api.get<{ devices: Device[] }>('/api/push/devices')).body.data?.devices ?? []).length === 0,
    );
  });

  it('drops UNREGISTERED and invalid tokens, and retries UNAVAILABLE / QUOTA_EXCEEDED after Retry-After', async () => {
    const u = await login(t);
    const id = (await u.api.get<{ user: { id: string } }>('/api/auth/me')).body.data?.user.id as string;
    await u.api.put('/api/me/consents', { push: true });
    const [gone, bad, busy, quota] = [token('gone'), token('bad'), token('busy'), token('quota')];
    for (const tok of [gone, bad, busy, quota])
      await u.api.post('/api/push/devices', { kind: 'fcm', token: tok });
    await simApi().put('/control/fcm', { token: gone, mode: 'unregistered' });
    await simApi().put('/control/fcm', { token: bad, mode: 'invalid' });
    await simApi().put('/control/fcm', { token: busy, mode: 'unavailable', times: 1, retryAfter: 1 });
    await simApi().put('/control/fcm', { token: quota, mode: 'quota', times: 2, retryAfter: 1 });
    const started = Date.now();
    await t.y.ctx.push.toUser(id, { title: 'retry', body: 'x' });
    await until(
      'busy and quota delivered',
      async () => (await fcmTo(busy)).length && (await fcmTo(quota)).length,
      20_000,
    );
    // Two 429s with Retry-After: 1 s each: not before two seconds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    const left = (await u.api.get<{ devices: Device[] }>('/api/push/devices')).body.data?.devices ?? [];
    expect(left.map((d) => d.hint).sort()).toEqual([busy, quota].map((x) => `…${x.slice(-6)}`).sort());
    expect(await fcmTo(gone)).toEqual([]);
  });

  it('sends a campaign with (광고) only to marketing consents, holding the non-night ones until 08:00 KST', async () => {
    const who = async (consents: Record<string, boolean>) => {
      const u = await login(t);
      const tok = token('ad');
      await u.api.post('/api/push/devices', { kind: 'fcm', token: tok });
      await u.api.put('/api/me/consents', consents);
      const id = (await u.api.get<{ user: { id: string } }>('/api/auth/me')).body.data?.user.id as string;
      return { id, tok };
    };
    const night = await who({ push: true, marketing: true, night: true });
    const day = await who({ push: true, marketing: true });
    const none = await who({ push: true });
    const at23Kst = new Date('2026-12-03T14:00:00Z');
    const campaign = { id: `c-${crypto.randomUUID()}`, title: '겨울 할인 / Winter sale', body: '20%' };
    const users = [night.id, day.id, none.id];
    const r = await t.y.ctx.push.marketing(campaign, { userIds: users }, at23Kst);
    expect(r).toEqual({ now: 1, morning: 1, devices: 2 });
    const got = await until('the night-consent ad', async () => {
      const m = await fcmTo(night.tok);
      return m.length ? m : undefined;
    });
    expect((got[0].message as { notification: { title: string } }).notification.title).toBe(
      '(광고) 겨울 할인 / Winter sale',
    );
    const held = await t.y.ctx.database.raw(
      `select start_after from pgboss.job where name = 'push.send' and data->'payload'->>'title' like $1 and start_after > now()`,
      ['(광고) 겨울 할인%'],
    );
    expect(held.rows.map((x) => new Date(x.start_after as string).toISOString())).toEqual([
      '2026-12-03T23:00:00.000Z',
    ]);
    expect(await fcmTo(none.tok)).toEqual([]);
    // The same campaign again sends nothing.
    expect(await t.y.ctx.push.marketing(campaign, { userIds: users }, at23Kst)).toEqual({
      now: 0,
      morning: 0,
      devices: 0,
    });
  });

  it('removes the devices a session registered when it logs out', async () => {
    const u = await login(t);
    await u.api.post('/api/push/devices', { kind: 'fcm', token: token('logout') });
    const other = await client(t.url).post<{ token: string }>('/api/auth/login', {
      email: u.email,
      password: 'password-123',
    });
    const api2 = client(t.url, other.body.data?.token);
    await api2.post('/api/push/devices', { kind: 'fcm', token: token('stays') });
    expect((await u.api.get<{ devices: Device[] }>('/api/push/devices')).body.data?.devices).toHaveLength(2);
    expect((await u.api.post('/api/auth/logout')).status).toBe(200);
    expect((await api2.get<{ devices: Device[] }>('/api/push/devices')).body.data?.devices).toHaveLength(1);
  });
});

describe('push stand-in checks what it receives', () => {
  let sim: { url: string; close: () => Promise<unknown> };
  beforeAll(async () => {
    sim = await startStandIn('push');
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('refuses a wrong bearer token, a VAPID signature by another key, a wrong audience and a tampered body', async () => {
    const fcm = await fetch(`${sim.url}/v1/projects/p/messages:send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-the-token' },
      body: JSON.stringify({ message: { token: token('x') } }),
    });
    expect(fcm.status).toBe(401);
    expect(((await fcm.json()) as { error: { status: string } }).error.status).toBe('UNAUTHENTICATED');

    const sub = (await (await fetch(`${sim.url}/subscriptions`, { method: 'POST' })).json()) as {
      endpoint: string;
      keys: { p256dh: string; auth: string };
    };
    const mine = webpush.generateVAPIDKeys();
    const other = webpush.generateVAPIDKeys();
    const send = (d: RequestDetails, patch: (h: Record<string, string>, b: Buffer) => void = () => {}) => {
      const headers = Object.fromEntries(
        Object.entries(d.headers)
          .filter(([k]) => k.toLowerCase() !== 'content-length')
          .map(([k, v]) => [k, String(v)]),
      );
      const body = Buffer.from(d.body as Buffer);
      patch(headers, body);
      return fetch(d.endpoint, { method: 'POST', headers, body: new Uint8Array(body) });
    };
    const details = (subject = 'mailto:t@test.yeyak', endpoint = sub.endpoint) =>
      webpush.generateRequestDetails({ ...sub, endpoint }, '{"title":"t"}', {
        vapidDetails: { subject, ...mine },
        TTL: 60,
      });
    expect((await send(details())).status).toBe(201);
    // Signed by one key, claiming another.
    const swapped = await send(details(), (h) => {
      h.Authorization = h.Authorization.replace(/k=[A-Za-z0-9_-]+/, `k=${other.publicKey}`);
    });
    expect(swapped.status).toBe(403);
    // A JWT for another origin (aud) than the endpoint's.
    const elsewhere = details(undefined, sub.endpoint.replace('127.0.0.1', 'localhost'));
    expect((await send({ ...elsewhere, endpoint: sub.endpoint })).status).toBe(403);
    // One ciphertext byte changed: the GCM tag does not hold.
    expect(
      (
        await send(details(), (_h, b) => {
          b[b.length - 20] ^= 1;
        })
      ).status,
    ).toBe(400);
    const got = (await (await fetch(`${sim.url}/received`)).json()) as Received;
    expect(got.webpush).toHaveLength(1);
    expect(got.refused.map((r) => r.why).join(' | ')).toMatch(/signature.*\|.*aud.*\|.*/);
  });
});
