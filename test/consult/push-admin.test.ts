import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FcmReceived } from '../../sims/push/index.ts';
import { startStandIn } from '../../sims/standins.ts';
import { loadConfig } from '../../src/config.ts';
import { consult } from '../../src/modules/consult/index.ts';
import type { PushSendView } from '../../src/modules/consult/push-admin.ts';
import { consultPushSends } from '../../src/modules/consult/schema.ts';
import { SIM_FCM_TOKEN } from '../../src/platform/push/index.ts';
import { users } from '../../src/platform/schema.ts';
import { backends, client, eventually, login, startApp, type TestApp } from '../helpers.ts';

type Received = { fcm: FcmReceived[] };
const token = (tag: string) => `${tag}-${crypto.randomUUID()}:APA91b${'x'.repeat(100)}`;

/** /api/consult/admin/push: admins only, bad input named, segments reach whom they say, counts honest. */
describe.each(backends)('consult admin push (%s)', (backend) => {
  let t: TestApp;
  let sim: { url: string; close: () => Promise<unknown> };
  const received = async () => (await client(sim.url).get<never>('/received')).body as unknown as Received;
  const to = async (tok: string) => (await received()).fcm.filter((m) => m.token === tok);

  beforeAll(async () => {
    sim = await startStandIn('push');
    const base = loadConfig({}).push;
    t = await startApp(
      backend,
      {
        push: {
          ...base,
          fcm: { projectId: 'test-proj', apiUrl: sim.url, accessToken: SIM_FCM_TOKEN },
          simUrl: sim.url,
          concurrency: 4,
        },
      },
      { modules: [consult] },
    );
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    await sim?.close();
  });

  /** A logged-in person with one app device and the consents given. */
  async function person(
    role: 'user' | 'admin' | 'counselor',
    consents: { push: boolean; marketing?: boolean; night?: boolean },
  ) {
    const p = await login(t, role === 'counselor' ? 'user' : role);
    if (role === 'counselor')
      await t.y.ctx.database.db.update(users).set({ role: 'counselor' }).where(eq(users.email, p.email));
    const tok = token(role);
    expect((await p.api.post('/api/push/devices', { kind: 'fcm', token: tok })).status).toBe(201);
    expect((await p.api.put('/api/me/consents', consents)).status).toBe(200);
    return { ...p, tok };
  }
  const sends = async () =>
    (await t.y.ctx.database.db.select({ n: sql<number>`count(*)::int` }).from(consultPushSends))[0]?.n;

  it('refuses other roles and anonymous callers', async () => {
    const u = await login(t);
    const body = { title: 't', body: 'b', segment: 'everyone' };
    expect((await client(t.url).post('/api/consult/admin/push', body)).status).toBe(401);
    expect((await u.api.post('/api/consult/admin/push', body)).status).toBe(403);
    expect((await u.api.get('/api/consult/admin/push')).status).toBe(403);
  });

  it('refuses bad input naming the field, and records nothing', async () => {
    const a = await login(t, 'admin');
    const before = await sends();
    const cases: [Record<string, unknown>, string][] = [
      [{ title: '  ', body: 'b', segment: 'everyone' }, 'body.title'],
      [{ title: 't', body: 'x'.repeat(301), segment: 'everyone' }, 'body.body'],
      [{ title: 't', body: 'b', segment: 'everyone', link: 'https://evil.example/x' }, 'body.link'],
      [{ title: 't', body: 'b', segment: 'everyone', link: '//evil.example/x' }, 'body.link'],
      [{ title: 't', body: 'b', segment: 'everyone', link: 'javascript:alert(1)' }, 'body.link'],
      [{ title: 't', body: 'b', segment: 'everyone', link: '/\\evil.example' }, 'body.link'],
      [{ title: 't', body: 'b', segment: 'vips' }, 'body.segment'],
    ];
    for (const [body, path] of cases) {
      const r = await a.api.post<{ errors: { path: string }[] }>('/api/consult/admin/push', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.data?.errors.map((e) => e.path)).toContain(path);
    }
    // A test send with no device of one's own is refused too: nothing would arrive.
    const r = await a.api.post<{ errors: { path: string }[] }>('/api/consult/admin/push', {
      title: 't',
      body: 'b',
      segment: 'everyone',
      test: true,
    });
    expect(r.status).toBe(409);
    expect(r.body.data?.errors[0]?.path).toBe('body.test');
    expect(await sends()).toBe(before);
  });

  it('segments reach whom they say; delivered and failed are counted when the batches ran', async () => {
    const admin = await person('admin', { push: true });
    const user = await person('user', { push: true });
    const ad = await person('user', { push: true, marketing: true, night: true });
    const quiet = await person('user', { push: false });
    const counselor = await person('counselor', { push: true });
    // A device the push service refuses as unregistered counts as failed.
    const gone = await person('user', { push: true });
    await client(sim.url).put('/control/fcm', { token: gone.tok, mode: 'unregistered' });

    const send = async (body: Record<string, unknown>) => {
      const r = await admin.api.post<{ send: PushSendView }>('/api/consult/admin/push', body);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.data?.send as PushSendView;
    };
    const settled = (id: string) =>
      eventually(async () => {
        const r = await admin.api.get<{ send: PushSendView }>(`/api/consult/admin/push/${id}`);
        const s = r.body.data?.send;
        return s && s.pending === 0 ? s : undefined;
      });

    const test = await send({
      title: '테스트',
      body: '나에게만',
      segment: 'everyone',
      test: true,
      link: '/consult',
    });
    expect(test.targets).toBe(1);
    expect(await settled(test.id)).toMatchObject({ delivered: 1, failed: 0 });
    expect(await to(admin.tok)).toHaveLength(1);
    expect(await to(user.tok)).toHaveLength(0);

    const c = await send({ title: '상담사 공지', body: '정산 안내', segment: 'counselors' });
    expect(c.targets).toBeGreaterThanOrEqual(1);
    await settled(c.id);
    expect((await to(counselor.tok)).length).toBe(1);
    expect(await to(user.tok)).toHaveLength(0);

    const all = await send({ title: '전체 공지', body: '점검 안내', segment: 'everyone' });
    const done = await settled(all.id);
    expect(done.failed).toBeGreaterThanOrEqual(1);
    expect(done.delivered + done.failed).toBe(done.targets);
    expect(await to(user.tok)).toHaveLength(1);
    expect(await to(quiet.tok)).toHaveLength(0);

    const m = await send({
      title: '할인',
      body: '포인트 10% 추가',
      segment: 'marketing',
      link: '/consult/points',
    });
    expect(m.targets).toBe(1);
    await settled(m.id);
    const got = await to(ad.tok);
    expect(got).toHaveLength(2);
    expect(JSON.stringify(got[1]?.message)).toContain('(광고)');

    const list = await admin.api.get<{ sends: PushSendView[] }>('/api/consult/admin/push');
    expect(list.body.data?.sends.slice(0, 4).map((s) => s.id)).toEqual([m.id, all.id, c.id, test.id]);
    expect(list.body.data?.sends[0]).toMatchObject({ segment: 'marketing', sentBy: admin.email });
  });
});
