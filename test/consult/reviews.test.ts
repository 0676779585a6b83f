import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consult } from '../../src/modules/consult/index.ts';
import { consultCounselors, consultReviews } from '../../src/modules/consult/schema.ts';
import { backends, client, login, startApp, type TestApp } from '../helpers.ts';
import { makeCounselor, makeRequest } from './discovery-fixtures.ts';

type User = Awaited<ReturnType<typeof login>>;
type Review = { id: string; stars: number; body: string; reply: string | null; hidden: boolean };

/** Reviews: once per completed request within 30 days; the counselor's average follows; one reply; admins hide. */
describe.each(backends)('consult reviews (%s)', (backend) => {
  let t: TestApp;
  let counselor: { id: string; userId?: string };
  let counselorApi: ReturnType<typeof client>;
  let buyer: User;
  let buyerId: string;

  beforeAll(async () => {
    t = await startApp(backend, {}, { modules: [consult] });
    counselor = await makeCounselor(t.y, { name: '후기상담사' });
    const [u] = await t.y.ctx.database.db
      .select()
      .from(consultCounselors)
      .where(eq(consultCounselors.id, counselor.id));
    const account = await t.y.auth.byId(u?.userId as string);
    await t.y.auth.addUser({ email: account?.email as string, password: 'password-123', role: 'counselor' });
    const res = await client(t.url).post<{ token: string }>('/api/auth/login', {
      email: account?.email,
      password: 'password-123',
    });
    counselorApi = client(t.url, res.body.data?.token);
    buyer = await login(t);
    buyerId = (await t.y.ctx.database.raw('select id from users where email = $1', [buyer.email])).rows[0]
      ?.id as string;
  }, 120_000);
  afterAll(async () => t?.stop());

  const stats = async () => {
    const [row] = await t.y.ctx.database.db
      .select({ count: consultCounselors.reviewCount, sum: consultCounselors.ratingSum })
      .from(consultCounselors)
      .where(eq(consultCounselors.id, counselor.id));
    return row;
  };
  const reviewRows = async () =>
    t.y.ctx.database.db.select().from(consultReviews).where(eq(consultReviews.counselorId, counselor.id));

  it('a review of a completed request counts on the counselor and tells them (in-app)', async () => {
    const requestId = await makeRequest(t.y, buyerId, counselor.id);
    const pending = await buyer.api.get<{ requests: { requestId: string }[] }>(
      '/api/consult/reviews/pending',
    );
    expect(pending.body.data?.requests.map((r) => r.requestId)).toContain(requestId);
    const res = await buyer.api.post<{ review: Review }>('/api/consult/reviews', {
      requestId,
      stars: 4,
      body: '<b>좋았어요</b> <script>alert(1)</script>',
    });
    expect(res.status).toBe(201);
    expect(res.body.data?.review.body).toBe('<b>좋았어요</b> <script>alert(1)</script>');
    expect(await stats()).toEqual({ count: 1, sum: 4 });
    const notices = await t.y.ctx.notify.inapp.list(counselor.userId as string, { limit: 10 });
    expect(notices?.notifications.map((n) => n.kind)).toContain('consult.review');
    const after = await buyer.api.get<{ requests: { requestId: string }[] }>('/api/consult/reviews/pending');
    expect(after.body.data?.requests.map((r) => r.requestId)).not.toContain(requestId);
    const profile = await client(t.url).get<{ counselor: { rating: number; reviewCount: number } }>(
      `/api/consult/counselors/${counselor.id}`,
    );
    expect(profile.body.data?.counselor).toMatchObject({ rating: 4, reviewCount: 1 });
  });

  it('a second review (also two at once), a review without completion, too late, or of someone else’s request: clear 4xx, nothing changes', async () => {
    const requestId = await makeRequest(t.y, buyerId, counselor.id);
    const both = await Promise.all([
      buyer.api.post('/api/consult/reviews', { requestId, stars: 5, body: '첫째' }),
      buyer.api.post('/api/consult/reviews', { requestId, stars: 5, body: '둘째' }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const again = await buyer.api.post('/api/consult/reviews', { requestId, stars: 1, body: '또' });
    expect(again.status).toBe(409);
    expect(again.body.description).toMatch(/review already/);
    const before = await stats();
    const rowsBefore = (await reviewRows()).length;

    const paid = await makeRequest(t.y, buyerId, counselor.id, { state: 'paid' });
    const notDone = await buyer.api.post('/api/consult/reviews', { requestId: paid, stars: 5, body: '아직' });
    expect(notDone.status).toBe(409);
    expect(JSON.stringify(notDone.body.data)).toContain('body.requestId');

    const old = await makeRequest(t.y, buyerId, counselor.id, { daysAgo: 31 });
    const late = await buyer.api.post('/api/consult/reviews', { requestId: old, stars: 5, body: '늦음' });
    expect(late.status).toBe(409);
    expect(late.body.description).toMatch(/30 days/);

    const other = await login(t);
    const theirs = await other.api.post('/api/consult/reviews', {
      requestId: await makeRequest(t.y, buyerId, counselor.id),
      stars: 5,
      body: '남의 것',
    });
    expect(theirs.status).toBe(404);

    for (const [body, path] of [
      [{ requestId, stars: 0, body: 'x' }, 'body.stars'],
      [{ requestId, stars: 6, body: 'x' }, 'body.stars'],
      [{ requestId, stars: 3.5, body: 'x' }, 'body.stars'],
      [{ requestId, stars: 3, body: '  ' }, 'body.body'],
      [{ requestId, stars: 3, body: 'x'.repeat(2001) }, 'body.body'],
      [{ requestId: 'nope', stars: 3, body: 'x' }, 'body.requestId'],
    ] as const) {
      const res = await buyer.api.post('/api/consult/reviews', body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(JSON.stringify(res.body.data)).toContain(path);
    }
    expect(await stats()).toEqual(before);
    expect((await reviewRows()).length).toBe(rowsBefore);
  });

  it('the counselor replies once; nobody else can', async () => {
    const [review] = await reviewRows();
    const id = review?.id as string;
    expect((await buyer.api.post(`/api/consult/reviews/${id}/reply`, { text: '내가 답함' })).status).toBe(
      404,
    );
    const res = await counselorApi.post<{ review: Review }>(`/api/consult/reviews/${id}/reply`, {
      text: '감사합니다',
    });
    expect(res.status).toBe(200);
    expect(res.body.data?.review.reply).toBe('감사합니다');
    const twice = await counselorApi.post(`/api/consult/reviews/${id}/reply`, { text: '또' });
    expect(twice.status).toBe(409);
    const [row] = await t.y.ctx.database.db.select().from(consultReviews).where(eq(consultReviews.id, id));
    expect(row?.reply).toBe('감사합니다');
  });

  it('admins hide a review: gone from the list and the average, back when shown again', async () => {
    const admin = await login(t, 'admin');
    const [review] = await reviewRows();
    const id = review?.id as string;
    const before = await stats();
    expect((await buyer.api.post(`/api/consult/reviews/${id}/hide`, { hidden: true })).status).toBe(403);
    expect((await admin.api.post(`/api/consult/reviews/${id}/hide`, { hidden: true })).status).toBe(200);
    expect((await admin.api.post(`/api/consult/reviews/${id}/hide`, { hidden: true })).status).toBe(200);
    expect(await stats()).toEqual({
      count: (before?.count ?? 0) - 1,
      sum: (before?.sum ?? 0) - (review?.stars ?? 0),
    });
    const list = await client(t.url).get<{ reviews: Review[] }>(
      `/api/consult/counselors/${counselor.id}/reviews`,
    );
    expect(list.body.data?.reviews.map((r) => r.id)).not.toContain(id);
    const forAdmin = await admin.api.get<{ reviews: Review[] }>(
      `/api/consult/counselors/${counselor.id}/reviews`,
    );
    expect(forAdmin.body.data?.reviews.find((r) => r.id === id)?.hidden).toBe(true);
    await admin.api.post(`/api/consult/reviews/${id}/hide`, { hidden: false });
    expect(await stats()).toEqual(before);
  });
});
