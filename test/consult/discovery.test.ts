import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consult } from '../../src/modules/consult/index.ts';
import { consultCounselors, consultItems, consultPosts } from '../../src/modules/consult/schema.ts';
import { backends, client, login, startApp, type TestApp } from '../helpers.ts';
import { makeCounselor } from './discovery-fixtures.ts';

type Card = { id: string; name: string; lineStatus: string; rating: number | null; reviewCount: number };
type List = { counselors: Card[]; total: number; pages: number };

/** The counselor list, one profile and the home page, as anyone sees them over HTTP. */
describe.each(backends)('consult discovery over HTTP (%s)', (backend) => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startApp(backend, {}, { modules: [consult] });
    const specs = [
      { key: 'top', name: '가중치상담사', status: 'offline' as const, weight: 10 },
      { key: 'onlineLow', name: '온라인하나', status: 'online' as const, reviewCount: 2, ratingSum: 6 },
      { key: 'onlineHigh', name: '온라인둘', status: 'online' as const, reviewCount: 2, ratingSum: 10 },
      { key: 'busy', name: '통화중', status: 'busy' as const, reviewCount: 1, ratingSum: 5 },
      {
        key: 'tarot',
        name: '타로50%_님',
        status: 'offline' as const,
        categories: ['타로'],
        services: ['visit' as const],
      },
      { key: 'hidden', name: '숨김', state: 'hidden' as const },
      { key: 'suspended', name: '정지', state: 'suspended' as const },
      { key: 'unlinked', name: '미연결', linked: false },
      { key: 'gone', name: '사라짐', gone: true },
    ];
    for (const s of specs) ids[s.key] = (await makeCounselor(t.y, s)).id;
    await t.y.ctx.database.db.insert(consultItems).values([
      { counselorId: ids.top as string, kind: 'chat', title: '채팅 30분', price: 9000 },
      { counselorId: ids.top as string, kind: 'visit', title: '방문 (중단)', price: 50000, active: false },
    ]);
  }, 120_000);
  afterAll(async () => t?.stop());

  const anon = () => client(t.url);

  it('lists only active, linked, not gone counselors, ranked by weight, then online, then rating', async () => {
    const res = await anon().get<List>('/api/consult/counselors');
    expect(res.status).toBe(200);
    const names = res.body.data?.counselors.map((c) => c.name);
    expect(names).toEqual(['가중치상담사', '온라인둘', '온라인하나', '통화중', '타로50%_님']);
    expect(res.body.data?.total).toBe(5);
    const high = res.body.data?.counselors.find((c) => c.name === '온라인둘');
    expect(high).toMatchObject({ rating: 5, reviewCount: 2 });
  });

  it('never answers memo, contact, address or search weight', async () => {
    const { user } = { user: await login(t) };
    const answers = [
      await anon().get('/api/consult/counselors'),
      await anon().get(`/api/consult/counselors/${ids.top}`),
      await user.api.get(`/api/consult/counselors/${ids.onlineHigh}`),
      await anon().get('/api/consult/home'),
      await anon().get(`/api/consult/counselors/${ids.top}/reviews`),
      await user.api.get('/api/consult/bookmarks'),
    ];
    await user.api.put(`/api/consult/counselors/${ids.top}/bookmark`);
    answers.push(await user.api.get('/api/consult/bookmarks'));
    for (const a of answers) {
      expect(a.status).toBe(200);
      const text = JSON.stringify(a.body);
      expect(text).not.toMatch(/SECRET-|memo|contact|address|searchWeight|search_weight|userId/);
    }
    expect(JSON.stringify(answers.at(-1)?.body)).toContain(ids.top);
  });

  it('filters by category, service, online, and name (with % and _ as letters)', async () => {
    const names = async (q: string) =>
      (await anon().get<List>(`/api/consult/counselors?${q}`)).body.data?.counselors.map((c) => c.name);
    expect(await names(`category=${encodeURIComponent('타로')}`)).toEqual(['타로50%_님']);
    expect(await names('service=visit')).toEqual(['타로50%_님']);
    expect(await names('online=true')).toEqual(['온라인둘', '온라인하나']);
    expect(await names(`q=${encodeURIComponent('온라인')}`)).toEqual(['온라인둘', '온라인하나']);
    expect(await names(`q=${encodeURIComponent('%_')}`)).toEqual(['타로50%_님']);
    expect(await names(`q=${encodeURIComponent('_')}`)).toEqual(['타로50%_님']);
    expect(await names('limit=2&page=2')).toEqual(['온라인하나', '통화중']);
  });

  it('bad filters are 400s naming the field', async () => {
    for (const [q, path] of [
      ['service=market', 'querystring.service'],
      ['online=maybe', 'querystring.online'],
      ['page=0', 'querystring.page'],
      ['limit=500', 'querystring.limit'],
      [`q=${'x'.repeat(51)}`, 'querystring.q'],
      ['sort=memo', 'querystring.sort'],
    ] as const) {
      const res = await anon().get(`/api/consult/counselors?${q}`);
      expect(res.status, q).toBe(400);
      expect(JSON.stringify(res.body.data), q).toContain(path);
    }
  });

  it('a profile has the public fields and active items; hidden, unlinked and gone ones are 404', async () => {
    const res = await anon().get<{
      counselor: { name: string; detail: string; items: { title: string }[] };
      bookmarked: boolean;
      liked: boolean;
    }>(`/api/consult/counselors/${ids.top}`);
    expect(res.status).toBe(200);
    expect(res.body.data?.counselor.items.map((i) => i.title)).toEqual(['채팅 30분']);
    expect(res.body.data).toMatchObject({ bookmarked: false, liked: false });
    for (const k of ['hidden', 'suspended', 'unlinked', 'gone']) {
      expect((await anon().get(`/api/consult/counselors/${ids[k]}`)).status, k).toBe(404);
    }
    expect((await anon().get('/api/consult/counselors/not-a-uuid')).status).toBe(400);
    expect((await anon().get('/api/consult/counselors/00000000-0000-4000-8000-000000000000')).status).toBe(
      404,
    );
  });

  it('home: online counselors, categories, notices (admins’ posts with notice=true)', async () => {
    const admin = await login(t, 'admin');
    await admin.api.post('/api/consult/board', { title: '공지: 점검 안내', body: '내일 점검', notice: true });
    const res = await anon().get<{
      online: Card[];
      categories: string[];
      notices: { title: string }[];
      reviews: unknown[];
    }>('/api/consult/home');
    expect(res.status).toBe(200);
    expect(res.body.data?.online.map((c) => c.name)).toEqual(['온라인둘', '온라인하나']);
    expect(res.body.data?.categories).toContain('사주');
    expect(res.body.data?.notices.map((n) => n.title)).toEqual(['공지: 점검 안내']);
    const [post] = await t.y.ctx.database.db.select().from(consultPosts).where(eq(consultPosts.notice, true));
    expect(post?.title).toBe('공지: 점검 안내');
  });

  it('a counselor leaving the 060 list drops out of the list', async () => {
    await t.y.ctx.database.db
      .update(consultCounselors)
      .set({ goneAt: new Date() })
      .where(eq(consultCounselors.id, ids.busy as string));
    const res = await anon().get<List>('/api/consult/counselors');
    expect(res.body.data?.counselors.map((c) => c.name)).not.toContain('통화중');
  });
});
