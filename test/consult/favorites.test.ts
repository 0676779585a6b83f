import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consult } from '../../src/modules/consult/index.ts';
import { consultCounselors, consultLikes } from '../../src/modules/consult/schema.ts';
import { backends, client, login, startApp, type TestApp } from '../helpers.ts';
import { makeCounselor } from './discovery-fixtures.ts';

/** Bookmarks and likes: one like per user and counselor, the count kept in step. */
describe.each(backends)('consult bookmarks and likes (%s)', (backend) => {
  let t: TestApp;
  let id: string;
  let hidden: string;

  beforeAll(async () => {
    t = await startApp(backend, {}, { modules: [consult] });
    id = (await makeCounselor(t.y, { name: '좋아요대상' })).id;
    hidden = (await makeCounselor(t.y, { name: '숨김', state: 'hidden' })).id;
  }, 120_000);
  afterAll(async () => t?.stop());

  const likeCount = async () =>
    (
      await t.y.ctx.database.db
        .select({ n: consultCounselors.likeCount })
        .from(consultCounselors)
        .where(eq(consultCounselors.id, id))
    )[0]?.n;

  it('needs a login', async () => {
    expect((await client(t.url).put(`/api/consult/counselors/${id}/like`)).status).toBe(401);
    expect((await client(t.url).get('/api/consult/bookmarks')).status).toBe(401);
  });

  it('a like counts once however often it is sent, also all at once; un-like takes it back once', async () => {
    const a = await login(t);
    const b = await login(t);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        a.api.put<{ liked: boolean; likeCount: number }>(`/api/consult/counselors/${id}/like`),
      ),
    );
    expect(results.every((r) => r.status === 200 && r.body.data?.liked)).toBe(true);
    expect(await likeCount()).toBe(1);
    await b.api.put(`/api/consult/counselors/${id}/like`);
    expect(await likeCount()).toBe(2);
    const profile = await a.api.get<{ liked: boolean; counselor: { likeCount: number } }>(
      `/api/consult/counselors/${id}`,
    );
    expect(profile.body.data).toMatchObject({ liked: true, counselor: { likeCount: 2 } });
    await Promise.all(Array.from({ length: 5 }, () => a.api.del(`/api/consult/counselors/${id}/like`)));
    expect(await likeCount()).toBe(1);
    const rows = await t.y.ctx.database.db
      .select()
      .from(consultLikes)
      .where(eq(consultLikes.counselorId, id));
    expect(rows.length).toBe(1);
  });

  it('bookmarks list the user’s own counselors only', async () => {
    const a = await login(t);
    const b = await login(t);
    expect((await a.api.put(`/api/consult/counselors/${id}/bookmark`)).status).toBe(200);
    expect((await a.api.put(`/api/consult/counselors/${id}/bookmark`)).status).toBe(200);
    const mine = await a.api.get<{ counselors: { id: string }[] }>('/api/consult/bookmarks');
    expect(mine.body.data?.counselors.map((c) => c.id)).toEqual([id]);
    const theirs = await b.api.get<{ counselors: unknown[] }>('/api/consult/bookmarks');
    expect(theirs.body.data?.counselors).toEqual([]);
    const profile = await a.api.get<{ bookmarked: boolean }>(`/api/consult/counselors/${id}`);
    expect(profile.body.data?.bookmarked).toBe(true);
    await a.api.del(`/api/consult/counselors/${id}/bookmark`);
    expect(
      (await a.api.get<{ counselors: unknown[] }>('/api/consult/bookmarks')).body.data?.counselors,
    ).toEqual([]);
  });

  it('a hidden or unknown counselor cannot be liked or bookmarked, and nothing changes', async () => {
    const a = await login(t);
    for (const path of [
      `/api/consult/counselors/${hidden}/like`,
      `/api/consult/counselors/${hidden}/bookmark`,
      '/api/consult/counselors/00000000-0000-4000-8000-000000000000/like',
    ]) {
      expect((await a.api.put(path)).status, path).toBe(404);
    }
    expect((await a.api.put('/api/consult/counselors/nope/like')).status).toBe(400);
    const rows = await t.y.ctx.database.db
      .select()
      .from(consultLikes)
      .where(eq(consultLikes.counselorId, hidden));
    expect(rows).toEqual([]);
  });
});
