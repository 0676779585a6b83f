import { eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consult } from '../../src/modules/consult/index.ts';
import { consultComments, consultPosts } from '../../src/modules/consult/schema.ts';
import { backends, client, login, startApp, type TestApp } from '../helpers.ts';

type User = Awaited<ReturnType<typeof login>>;
type Post = {
  id: string;
  title: string;
  body: string;
  mine: boolean;
  commentCount: number;
  images: { id: string }[];
  comments: { id: string; body: string; hidden: boolean }[];
};
type List = { posts: { id: string; title: string; hidden: boolean }[]; total: number; pages: number };

async function uploadPng(url: string, token: string, purpose = 'post'): Promise<string> {
  const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#36c' } })
    .png()
    .toBuffer();
  const form = new FormData();
  form.append('purpose', purpose);
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'a.png');
  const res = await fetch(`${url}/api/files`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await res.json()) as { data: { file: { id: string } } }).data.file.id;
}

/** The board: text kept as written, authors own their posts, admins hide, delete and write notices. */
describe.each(backends)('consult board (%s)', (backend) => {
  let t: TestApp;
  let author: User;
  let other: User;
  let admin: User;

  beforeAll(async () => {
    t = await startApp(backend, {}, { modules: [consult] });
    author = await login(t);
    other = await login(t);
    admin = await login(t, 'admin');
  }, 120_000);
  afterAll(async () => t?.stop());

  const rowOf = async (id: string) =>
    (await t.y.ctx.database.db.select().from(consultPosts).where(eq(consultPosts.id, id)))[0];

  it('stores HTML and scripts as written, lists, searches and pages', async () => {
    const text = '<script>alert("x")</script><img src=x onerror=alert(1)> 안녕하세요';
    const res = await author.api.post<{ post: Post }>('/api/consult/board', {
      title: '<b>첫 글</b>',
      body: text,
    });
    expect(res.status).toBe(201);
    expect(res.body.data?.post).toMatchObject({ title: '<b>첫 글</b>', body: text, mine: true });
    expect((await rowOf(res.body.data?.post.id as string))?.body).toBe(text);
    for (let i = 0; i < 3; i++)
      await author.api.post('/api/consult/board', { title: `글 ${i}`, body: `본문 ${i}` });
    const page1 = await client(t.url).get<List>('/api/consult/board?limit=2');
    expect(page1.body.data?.posts.map((p) => p.title)).toEqual(['글 2', '글 1']);
    expect(page1.body.data?.pages).toBe(2);
    const found = await client(t.url).get<List>(`/api/consult/board?q=${encodeURIComponent('안녕')}`);
    expect(found.body.data?.posts.map((p) => p.title)).toEqual(['<b>첫 글</b>']);
    const viewed = await other.api.get<{ post: Post }>(`/api/consult/board/${res.body.data?.post.id}`);
    expect(viewed.body.data?.post.mine).toBe(false);
  });

  it('authors rewrite and delete their own; others get 404 and nothing changes; admins may not rewrite', async () => {
    const { body } = await author.api.post<{ post: Post }>('/api/consult/board', {
      title: '내 글',
      body: '원래',
    });
    const id = body.data?.post.id as string;
    const before = await rowOf(id);
    expect((await other.api.put(`/api/consult/board/${id}`, { title: '바꿈', body: '남이' })).status).toBe(
      404,
    );
    expect((await other.api.del(`/api/consult/board/${id}`)).status).toBe(404);
    expect((await admin.api.put(`/api/consult/board/${id}`, { title: '관리자', body: '바꿈' })).status).toBe(
      403,
    );
    expect((await client(t.url).del(`/api/consult/board/${id}`)).status).toBe(401);
    expect(await rowOf(id)).toEqual(before);
    const edited = await author.api.put<{ post: Post }>(`/api/consult/board/${id}`, {
      title: '고친 글',
      body: '고침',
    });
    expect(edited.status).toBe(200);
    expect(edited.body.data?.post).toMatchObject({ title: '고친 글', body: '고침' });
    expect((await author.api.del(`/api/consult/board/${id}`)).status).toBe(200);
    expect(await rowOf(id)).toBeUndefined();
  });

  it('bad input is a 400 naming the field; a non-admin notice is 403; nothing is stored', async () => {
    const count = async () =>
      (await t.y.ctx.database.db.select({ n: sql<number>`count(*)::int` }).from(consultPosts))[0]?.n;
    const before = await count();
    for (const [input, path] of [
      [{ title: '', body: 'x' }, 'body.title'],
      [{ title: 'x'.repeat(101), body: 'x' }, 'body.title'],
      [{ title: 'x', body: '' }, 'body.body'],
      [{ title: 'x', body: 'x'.repeat(10_001) }, 'body.body'],
      [{ title: 'x', body: 'x', imageFileIds: ['nope'] }, 'body.imageFileIds.0'],
      [{ title: 'x', body: 'x', authorId: 'me' }, 'body.authorId'],
    ] as const) {
      const res = await author.api.post('/api/consult/board', input);
      expect(res.status, path).toBe(400);
      expect(JSON.stringify(res.body.data), path).toContain(path);
    }
    expect(
      (await author.api.post('/api/consult/board', { title: '공지', body: 'x', notice: true })).status,
    ).toBe(403);
    expect(await count()).toBe(before);
  });

  it('images: only the author’s own post uploads; the uploads sweep keeps attached ones', async () => {
    const mine = await uploadPng(t.url, author.token);
    const theirs = await uploadPng(t.url, other.token);
    const avatar = await uploadPng(t.url, author.token, 'avatar');
    for (const bad of [theirs, avatar]) {
      const res = await author.api.post('/api/consult/board', {
        title: '사진',
        body: 'x',
        imageFileIds: [bad],
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.data)).toContain('body.imageFileIds.0');
    }
    const res = await author.api.post<{ post: Post }>('/api/consult/board', {
      title: '사진',
      body: 'x',
      imageFileIds: [mine],
    });
    expect(res.status).toBe(201);
    expect(res.body.data?.post.images.map((i) => i.id)).toEqual([mine]);
    await t.y.ctx.database.db.execute(sql`update files set created_at = now() - interval '2 days'`);
    const deleted = await t.y.uploads.sweep();
    expect(deleted).not.toContain(mine);
    expect(deleted).toContain(theirs);
  });

  it('admins hide (others see 404 and no entry), delete, and write notices', async () => {
    const { body } = await author.api.post<{ post: Post }>('/api/consult/board', {
      title: '숨길 글',
      body: 'x',
    });
    const id = body.data?.post.id as string;
    expect((await author.api.post(`/api/consult/board/${id}/hide`, { hidden: true })).status).toBe(403);
    expect((await admin.api.post(`/api/consult/board/${id}/hide`, { hidden: true })).status).toBe(200);
    expect((await client(t.url).get(`/api/consult/board/${id}`)).status).toBe(404);
    expect((await author.api.put(`/api/consult/board/${id}`, { title: '되살림', body: 'x' })).status).toBe(
      404,
    );
    const list = await client(t.url).get<List>('/api/consult/board?limit=50');
    expect(list.body.data?.posts.map((p) => p.id)).not.toContain(id);
    const adminList = await admin.api.get<List>('/api/consult/board?limit=50');
    expect(adminList.body.data?.posts.find((p) => p.id === id)?.hidden).toBe(true);
    expect((await admin.api.del(`/api/consult/board/${id}`)).status).toBe(200);
    expect(await rowOf(id)).toBeUndefined();
    const notice = await admin.api.post<{ post: { notice: boolean } }>('/api/consult/board', {
      title: '공지',
      body: '안내',
      notice: true,
    });
    expect(notice.body.data?.post.notice).toBe(true);
    const log = await t.y.ctx.database.raw(`select message from server_log where source = 'consult'`);
    expect(log.rows.map((r) => r.message)).toEqual(expect.arrayContaining(['post hidden', 'post deleted']));
  });

  it('comments: count kept in step; others cannot delete them; admins hide', async () => {
    const { body } = await author.api.post<{ post: Post }>('/api/consult/board', {
      title: '댓글 글',
      body: 'x',
    });
    const id = body.data?.post.id as string;
    const c1 = await other.api.post<{ comment: { id: string } }>(`/api/consult/board/${id}/comments`, {
      body: '<script>x</script>',
    });
    expect(c1.status).toBe(201);
    const c2 = await author.api.post<{ comment: { id: string } }>(`/api/consult/board/${id}/comments`, {
      body: '둘째',
    });
    expect((await rowOf(id))?.commentCount).toBe(2);
    expect((await author.api.del(`/api/consult/comments/${c1.body.data?.comment.id}`)).status).toBe(404);
    expect((await admin.api.post(`/api/consult/comments/${c1.body.data?.comment.id}/hide`)).status).toBe(200);
    expect((await rowOf(id))?.commentCount).toBe(1);
    const seen = await client(t.url).get<{ post: Post }>(`/api/consult/board/${id}`);
    expect(seen.body.data?.post.comments.map((c) => c.body)).toEqual(['둘째']);
    expect((await author.api.del(`/api/consult/comments/${c2.body.data?.comment.id}`)).status).toBe(200);
    expect((await rowOf(id))?.commentCount).toBe(0);
    const rows = await t.y.ctx.database.db
      .select()
      .from(consultComments)
      .where(eq(consultComments.postId, id));
    expect(rows.map((r) => r.body)).toEqual(['<script>x</script>']);
    const empty = await other.api.post(`/api/consult/board/${id}/comments`, { body: '   ' });
    expect(empty.status).toBe(400);
  });
});
